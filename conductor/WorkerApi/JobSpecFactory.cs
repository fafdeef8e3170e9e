using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Routing;
using AgentConductor.Conductor.TaskFiles;
using AgentConductor.Proto.V1;
using Google.Protobuf.WellKnownTypes;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>Builds the <see cref="JobSpec"/> a handshake returns.</summary>
internal static class JobSpecFactory
{
    /// <summary>A comment's text in the spec is cut to this many UTF-8 bytes: the agent reads it whole in its task files.</summary>
    public const int MaxCommentBodyBytes = 4 * 1024;

    /// <param name="gitHubToken">The token minted for this handshake, or null without a GitHub App.</param>
    public static JobSpec Create(
        JobDetails job, string branch, RepositoryRoute route, AgentOptions agent, TimeSpan heartbeatInterval, IReadOnlyList<TaskFile> files, GitHubToken? gitHubToken = null)
    {
        var spec = new JobSpec
        {
            JobId = job.JobId,
            Kind = job.Kind switch { JobKinds.Ticket => JobKind.Ticket, JobKinds.FollowUp => JobKind.FollowUp, _ => JobKind.Incident },
            BranchName = branch,
            Title = job.Title,
            TicketKey = job.TicketKey ?? "",
            Account = job.Account ?? "",
            IncidentId = job.IncidentId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            HeartbeatInterval = Duration.FromTimeSpan(heartbeatInterval),
            GithubToken = gitHubToken,
            Agent = new AgentSettings
            {
                Model = agent.Model ?? "",
                ModelBaseUrl = agent.ModelBaseUrl?.Trim() ?? "",
                IdleTimeout = Duration.FromTimeSpan(agent.IdleTimeout),
                OverallTimeout = Duration.FromTimeSpan(agent.Timeout),
            },
        };
        spec.Repositories.Add(new Repository { CloneUrl = route.CloneUrl, BaseBranch = route.BaseBranch });
        spec.Agent.ExtraConfig.Add(agent.ExtraConfig);
        spec.TaskFiles.AddRange(files.Select(f => new TaskFileInfo { Path = f.Path, Size = f.Size, Mode = f.Mode, Sha256 = f.Sha256 }));
        return spec;
    }

    /// <summary>
    /// A follow-up's pull request, the comments it answers (ids for the replies, bodies cut) and the session to resume.
    /// </summary>
    public static void AddFollowUp(JobSpec spec, FollowUpDetails followUp, AgentSession? session)
    {
        var pullRequest = PullRequestUrls.Parse(followUp.PullRequestUrl);
        spec.FollowUp = new FollowUp
        {
            ParentJobId = followUp.ParentJobId,
            Sequence = followUp.Sequence,
            PullRequest = new FollowUpPullRequest
            {
                Number = followUp.PullRequestNumber ?? pullRequest?.Number ?? 0,
                Url = followUp.PullRequestUrl,
                Repository = pullRequest?.Repository ?? "",
            },
            Session = session,
        };
        spec.FollowUp.Comments.AddRange(followUp.Comments.Select((c, i) => new ReviewComment
        {
            Number = i + 1,
            Kind = c.Kind switch
            {
                Intake.GitHub.GitHubEvents.ReviewKind => ReviewCommentKind.Review,
                Intake.GitHub.GitHubEvents.ReviewCommentKind => ReviewCommentKind.ReviewComment,
                Intake.GitHub.GitHubEvents.IssueCommentKind => ReviewCommentKind.IssueComment,
                Intake.GitHub.GitHubEvents.CheckSuiteKind => ReviewCommentKind.CheckSuite,
                _ => ReviewCommentKind.Unspecified,
            },
            Id = c.GitHubId,
            ReviewId = c.ReviewId ?? 0,
            Author = c.Author ?? "",
            Path = c.Path ?? "",
            Line = c.Line ?? 0,
            StartLine = c.StartLine ?? 0,
            Body = Utf8Text.Cut(c.Body ?? "", MaxCommentBodyBytes).Text,
            Url = c.Url ?? "",
        }));
    }

    /// <summary>
    /// The job's budget as fixed at launch (its model, prices and caps; the model replaces <c>Agent:Model</c> so that
    /// what runs is what is priced) and the link to its page.
    /// </summary>
    public static void AddBudget(JobSpec spec, Costs.JobPricing? pricing, string? jobUrl)
    {
        spec.JobUrl = jobUrl ?? "";
        if (pricing is null)
        {
            return;
        }

        spec.Agent.Model = pricing.Model ?? "";
        if (pricing.Tokens is null && pricing.Compute is null && pricing.MaxCostNanos is null && pricing.MaxTokens is null)
        {
            return;
        }

        spec.Budget = new JobBudget
        {
            MaxCost = Amount(pricing.MaxCostNanos),
            MaxTokens = pricing.MaxTokens ?? 0,
            ComputePerHour = Amount(pricing.Compute?.NanosPerHour),
            TokenPrices = pricing.Tokens is { } tokens
                ? new TokenPrices
                {
                    Entry = tokens.Entry,
                    Input = Amount(tokens.InputNanos),
                    CachedInput = Amount(tokens.CachedInputNanos),
                    CacheWriteInput = Amount(tokens.CacheWriteInputNanos),
                    Output = Amount(tokens.OutputNanos),
                }
                : null,
        };
    }

    private static Usd? Amount(long? nanos) =>
        nanos is { } value ? new Usd { Units = value / 1_000_000_000, Nanos = (int)(value % 1_000_000_000) } : null;
}
