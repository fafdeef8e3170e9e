using AgentConductor.Conductor.Api;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.GitHubWebhooks;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentConductor.Dashboard.Tests;

/// <summary>A follow-up as the dashboard shows it: its title and subject, and the pull request's lineage on both jobs' pages.</summary>
public sealed class DashboardFollowUpTests(Browser browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task JobPages_FollowUpOfAPullRequest_ShowOneLineageLinkingBothJobs()
    {
        await using var host = await ConductorHost.StartAsync([$"--GitHub:WebhookSecret={GitHubDeliveries.Secret}"], cancellationToken: Ct);
        var (parent, token) = await host.LaunchTicketAsync("PAY-412", cancellationToken: Ct);
        var auth = ConductorHost.Bearer(token).WithCancellationToken(Ct);
        await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = parent }, auth);
        var pr = new PullRequestRef("acme/pay", 7, (string)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", parent))!);
        await host.Worker.ReportResultAsync(new ReportResultRequest { JobId = parent, Status = ResultStatus.Succeeded, PullRequestUrl = pr.HtmlUrl, Branch = pr.HeadRef, HeadCommit = "0123abcd" }, auth);
        var review = await new GitHubWebhookSender(host.Http, GitHubWebhookEndpoint.Path, GitHubDeliveries.Secret)
            .SendAsync("pull_request_review", GitHubPayloads.Review(pr, 901, "maria", "changes_requested", "Round half to even."), cancellationToken: Ct);
        var followUp = review.Response.RootElement.GetProperty("followUps")[0].GetProperty("jobId").GetString()!;
        var (page, errors) = await browser.OpenAsync(host.ApiAddress);

        await page.GotoAsync($"/#/jobs/{followUp}");
        await Expect(page.GetByTestId("job-title")).ToHaveTextAsync("Follow-up 1 on pull request #7: Summary of PAY-412");
        await Expect(page.GetByTestId("lineage-pr")).ToHaveTextAsync("acme/pay#7");
        await Expect(page.GetByTestId("lineage").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("lineage")).ToContainTextAsync($"{followUp} (this job)");

        await page.GetByTestId("lineage-parent").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("job-title")).ToHaveTextAsync("Summary of PAY-412");
        await Expect(page.GetByTestId("lineage-parent")).ToHaveTextAsync($"{parent} (this job)");
        await Expect(page.GetByTestId("lineage").GetByRole(AriaRole.Link, new() { Name = followUp })).ToBeVisibleAsync();

        await page.GotoAsync("/#/jobs");
        await page.GetByTestId("filter-kind").SelectOptionAsync("followup");
        await Expect(page.GetByTestId("jobs").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("jobs")).ToContainTextAsync($"follow-up 1 of {parent}");
        Assert.Empty(errors);
    }
}
