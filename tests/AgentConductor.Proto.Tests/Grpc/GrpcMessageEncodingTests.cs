using AgentConductor.Proto.Grpc;

namespace AgentConductor.Proto.Tests.Grpc;

public sealed class GrpcMessageEncodingTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100%", "100%25")]
    [InlineData("line1\nline2", "line1%0Aline2")]
    [InlineData("ü", "%C3%BC")]
    [InlineData("😀", "%F0%9F%98%80")]
    public void Encode_PercentEncodesNonPrintableAndPercent(string value, string expected)
    {
        Assert.Equal(expected, GrpcMessageEncoding.Encode(value));
        Assert.Equal(value, GrpcMessageEncoding.Decode(expected));
    }

    [Theory]
    [InlineData("%", "%")]
    [InlineData("%zz ok", "%zz ok")]
    [InlineData("50%2", "50%2")]
    public void Decode_InvalidEscape_KeptAsIs(string value, string expected) => Assert.Equal(expected, GrpcMessageEncoding.Decode(value));
}
