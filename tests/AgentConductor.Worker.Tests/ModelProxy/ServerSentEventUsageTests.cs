using System.Text;
using AgentConductor.Worker.ModelProxy;

namespace AgentConductor.Worker.Tests.ModelProxy;

public sealed class ServerSentEventUsageTests
{
    private const string Completed =
        "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"usage\":{\"input_tokens\":1000," +
        "\"input_tokens_details\":{\"cached_tokens\":200,\"cache_write_tokens\":100},\"output_tokens\":50,\"output_tokens_details\":{\"reasoning_tokens\":10}}}}\n\n";

    [Fact]
    public void Feed_OneByteAtATimeWithCrLfAndOtherEvents_CountsTheCompletedResponse()
    {
        var stream = "event: response.created\r\ndata: {\"type\":\"response.created\"}\r\n\r\n: a comment\n\n" + Completed.Replace("\n", "\r\n", StringComparison.Ordinal);
        var usage = new ServerSentEventUsage();

        foreach (var b in Encoding.UTF8.GetBytes(stream))
        {
            usage.Feed([b]);
        }

        Assert.Equal(1, usage.Completed);
        Assert.Equal(new ModelTokenCounts(1000, 200, 100, 50, 10), usage.Usage);
    }

    [Fact]
    public void Feed_TwoCompletedResponsesAndDataOverSeveralLines_SumsThemAndIgnoresWhatIsNotJson()
    {
        var split = "data: {\"type\":\"response.completed\",\ndata: \"response\":{\"usage\":{\"input_tokens\":7,\"output_tokens\":3}}}\n\n";
        var usage = new ServerSentEventUsage();

        usage.Feed(Encoding.UTF8.GetBytes(Completed + "data: [DONE]\n\n" + split));

        Assert.Equal(2, usage.Completed);
        Assert.Equal(new ModelTokenCounts(1007, 200, 100, 53, 10), usage.Usage);
    }

    [Fact]
    public void Feed_StreamCutBeforeTheBlankLine_NothingCounted()
    {
        var usage = new ServerSentEventUsage();

        usage.Feed(Encoding.UTF8.GetBytes(Completed[..^1]));

        Assert.Equal(0, usage.Completed);
    }
}
