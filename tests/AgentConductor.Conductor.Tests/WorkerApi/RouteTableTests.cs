using AgentConductor.Conductor.Routing;

namespace AgentConductor.Conductor.Tests.WorkerApi;

public sealed class RouteTableTests
{
    private static readonly RoutingOptions Options = new()
    {
        Routes =
        [
            new() { Projects = ["PAY"], Labels = ["frontend"], CloneUrl = "https://g/pay-web.git" },
            new() { Projects = ["pay"], CloneUrl = "https://g/pay.git" },
            new() { Components = ["Search"], CloneUrl = "https://g/search.git" },
            new() { Accounts = ["111122223333"], CloneUrl = "https://g/orders.git" },
        ],
    };

    [Theory]
    [InlineData("PAY", "", "frontend", null, "https://g/pay-web.git")]
    [InlineData("PAY", "", "backend", null, "https://g/pay.git")]
    [InlineData("OPS", "search", "", null, "https://g/search.git")]
    [InlineData(null, "", "", "111122223333", "https://g/orders.git")]
    [InlineData("OPS", "", "", null, null)]
    [InlineData(null, "", "", "999999999999", null)]
    public void Find_Subject_FirstMatchingRouteWins(string? project, string component, string label, string? account, string? expected)
    {
        var subject = new RouteSubject(project, component.Length > 0 ? [component] : [], label.Length > 0 ? [label] : [], account);

        Assert.Equal(expected, new RouteTable(Microsoft.Extensions.Options.Options.Create(Options)).Find(subject)?.CloneUrl);
    }

    [Fact]
    public void Find_NoRouteMatches_Default()
    {
        var options = new RoutingOptions { Routes = Options.Routes, Default = new() { CloneUrl = "https://g/default.git" } };

        Assert.Equal("https://g/default.git", new RouteTable(Microsoft.Extensions.Options.Options.Create(options)).Find(new RouteSubject("OPS", [], [], null))?.CloneUrl);
    }

    [Fact]
    public void Validate_CredentialsInCloneUrl_Fails()
    {
        var options = new RoutingOptions { Default = new() { CloneUrl = "https://user:secret@g/app.git", BaseBranch = "" } };

        var result = new RoutingOptionsValidator().Validate(null, options);

        Assert.Contains("Routing:Default:CloneUrl must not carry credentials; workers authenticate through a credential helper.", result.Failures!);
        Assert.Contains("Routing:Default:BaseBranch must not be empty.", result.Failures!);
    }
}
