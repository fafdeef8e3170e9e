using System.Net;
using System.Text;
using System.Text.Json;
using static AgentConductor.TestSupport.Aws.FakeEcsJson;

namespace AgentConductor.TestSupport.Aws;

/// <summary>The four operations of the fake ECS, each under its lock.</summary>
public sealed partial class FakeEcs
{
    private FakeAwsResponse Handle(FakeAwsRequest request)
    {
        lock (_lock)
        {
            var injected = _injected.FindIndex(i => i.Operation == request.Operation);
            if (injected >= 0)
            {
                var response = _injected[injected].Response;
                _injected.RemoveAt(injected);
                if (response is not null)
                {
                    return response;
                }
            }

            try
            {
                return request.Operation switch
                {
                    "RunTask" => RunTask(request.Body),
                    "DescribeTasks" => DescribeTasks(request.Body),
                    "StopTask" => StopTask(request.Body),
                    "ListTasks" => ListTasks(request.Body),
                    _ => throw new FakeEcsError("UnknownOperationException", $"the fake ECS does not implement {request.Operation}"),
                };
            }
            catch (FakeEcsError error)
            {
                Problems.Enqueue($"{request.Operation}: {error.Code}: {error.Message}");
                return FakeAwsResponse.Error(error.Code, error.Message);
            }
        }
    }

    private FakeAwsResponse RunTask(JsonElement body)
    {
        var run = FakeEcsRunTask.Parse(body, this);
        var now = Time.GetUtcNow();
        foreach (var expired in _tokens.Where(t => now - t.Value.At >= ClientTokenLifetime).Select(t => t.Key).ToList())
        {
            _tokens.Remove(expired);
        }

        if (run.ClientToken is { } token && _tokens.TryGetValue(token, out var earlier))
        {
            return earlier.Fingerprint == run.Fingerprint
                ? FakeAwsResponse.Ok(new Dictionary<string, object> { ["tasks"] = earlier.Tasks.Select(t => t.Render(ClusterArn, includeTags: true)), ["failures"] = System.Array.Empty<object>() })
                : new FakeAwsResponse(HttpStatusCode.BadRequest, JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["__type"] = "ConflictException",
                    ["message"] = "The client token has already been used with a RunTask request with different parameters.",
                    ["resourceIds"] = earlier.Tasks.Select(t => t.Arn).ToList(),
                }), new Dictionary<string, string>());
        }

        if (_capacityFailures.TryDequeue(out var failure))
        {
            var item = new Dictionary<string, string> { ["reason"] = failure.Reason };
            if (failure.Detail is not null)
            {
                item["detail"] = failure.Detail;
            }

            return FakeAwsResponse.Ok(new Dictionary<string, object> { ["tasks"] = System.Array.Empty<object>(), ["failures"] = new[] { item } });
        }

        var started = new List<FakeEcsTask>();
        for (var i = 0; i < run.Count; i++)
        {
            var task = NewTask(run.TaskDefinition, run.ContainerName);
            task.StartedBy = run.StartedBy;
            task.LaunchType = run.LaunchType ?? "FARGATE";
            task.CapacityProviderName = run.CapacityProvider;
            task.ClientToken = run.ClientToken;
            task.Environment = run.Environment;
            task.Overrides = run.Overrides;
            foreach (var (key, value) in run.Tags)
            {
                task.Tags[key] = value;
            }

            started.Add(task);
        }

        _tasks.AddRange(started);
        if (run.ClientToken is not null)
        {
            _tokens[run.ClientToken] = new TokenUse(run.Fingerprint, started, now);
        }

        if (_serverErrorsAfterStart > 0)
        {
            _serverErrorsAfterStart--;
            return FakeAwsResponse.Error("ServerException", "Service unavailable", HttpStatusCode.InternalServerError);
        }

        return FakeAwsResponse.Ok(new Dictionary<string, object> { ["tasks"] = started.Select(t => t.Render(ClusterArn, includeTags: true)), ["failures"] = System.Array.Empty<object>() });
    }

    private FakeAwsResponse DescribeTasks(JsonElement body)
    {
        OnlyFields(body, "DescribeTasks", "cluster", "tasks", "include");
        CheckCluster(String(body, "cluster", "DescribeTasks"));
        var references = Strings(body, "tasks", "DescribeTasks", max: 100);
        if (references is not { Count: > 0 })
        {
            throw new FakeEcsError("InvalidParameterException", "Tasks cannot be empty.");
        }

        var include = Strings(body, "include", "DescribeTasks", max: 1) ?? [];
        include.ForEach(i => OneOf(i, "DescribeTasks.include", "TAGS"));
        var tasks = new List<object>();
        var failures = new List<object>();
        foreach (var reference in references)
        {
            if (Find(reference) is { } task)
            {
                if (AutoAdvance)
                {
                    Advance(task);
                }

                tasks.Add(task.Render(ClusterArn, includeTags: include.Count > 0));
            }
            else
            {
                failures.Add(new Dictionary<string, string> { ["arn"] = reference, ["reason"] = "MISSING" });
            }
        }

        return FakeAwsResponse.Ok(new Dictionary<string, object> { ["tasks"] = tasks, ["failures"] = failures });
    }

    private FakeAwsResponse StopTask(JsonElement body)
    {
        OnlyFields(body, "StopTask", "cluster", "task", "reason");
        CheckCluster(String(body, "cluster", "StopTask"));
        var reference = String(body, "task", "StopTask", required: true)!;
        var reason = String(body, "reason", "StopTask", max: 255);
        if (Find(reference) is not { } task)
        {
            return FakeAwsResponse.Error("InvalidParameterException", "The referenced task was not found.");
        }

        task.StopReasons.Add(reason ?? "");
        if (task.DesiredStatus != "STOPPED")
        {
            task.DesiredStatus = "STOPPED";
            task.StopCode = "UserInitiated";
            task.StoppedReason = string.IsNullOrEmpty(reason) ? "Task stopped by user" : reason;
            task.Tags.Clear(); // ECS deletes a task's tags when it is stopped with StopTask.
            if (!task.IsStopped)
            {
                task.ExitCode = task.LastStatus == "RUNNING" ? StopExitCode : null;
                task.LastStatus = "STOPPING";
            }
        }

        return FakeAwsResponse.Ok(new Dictionary<string, object> { ["task"] = task.Render(ClusterArn, includeTags: false) });
    }

    private FakeAwsResponse ListTasks(JsonElement body)
    {
        const string Where = "ListTasks";
        OnlyFields(body, Where, "cluster", "containerInstance", "family", "startedBy", "serviceName", "desiredStatus", "launchType", "maxResults", "nextToken");
        CheckCluster(String(body, "cluster", Where));
        var startedBy = String(body, "startedBy", Where, max: 36);
        var family = String(body, "family", Where);
        if (startedBy is not null && (family ?? String(body, "serviceName", Where) ?? String(body, "containerInstance", Where)
            ?? String(body, "desiredStatus", Where) ?? String(body, "launchType", Where)) is not null)
        {
            throw new FakeEcsError("InvalidParameterException", "ListTasks: when startedBy is the filter it must be the only filter");
        }

        var desired = OneOf(String(body, "desiredStatus", Where), "ListTasks.desiredStatus", "RUNNING", "PENDING", "STOPPED") ?? "RUNNING";
        var launchType = OneOf(String(body, "launchType", Where), "ListTasks.launchType", "EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES");
        var maxResults = Int(body, "maxResults", Where, 1, 100) ?? 100;
        var matching = _tasks
            .Where(t => Known(t) && t.DesiredStatus == desired && (startedBy is null || t.StartedBy == startedBy))
            .Where(t => (family is null || t.TaskDefinitionArn.Contains($"/{family}:", StringComparison.Ordinal)) && (launchType is null || t.LaunchType == launchType))
            .Select(t => t.Arn)
            .ToList();
        var filter = $"{startedBy}|{desired}|{family}|{launchType}";
        var offset = 0;
        if (String(body, "nextToken", Where) is { } next)
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(next)).Split('#', 2);
            if (decoded.Length != 2 || decoded[1] != filter || !int.TryParse(decoded[0], System.Globalization.CultureInfo.InvariantCulture, out offset))
            {
                throw new FakeEcsError("InvalidParameterException", "Invalid nextToken: it belongs to another ListTasks query.");
            }
        }

        var page = matching.Skip(offset).Take(Math.Min(maxResults, ListPageSize)).ToList();
        var answer = new Dictionary<string, object> { ["taskArns"] = page };
        if (offset + page.Count < matching.Count)
        {
            answer["nextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{offset + page.Count}#{filter}"));
        }

        return FakeAwsResponse.Ok(answer);
    }

    /// <summary>One lifecycle step: PROVISIONING, PENDING, RUNNING; a stopping task to STOPPED.</summary>
    private void Advance(FakeEcsTask task)
    {
        switch (task.LastStatus)
        {
            case "PROVISIONING":
                task.LastStatus = "PENDING";
                break;
            case "PENDING":
                task.LastStatus = "RUNNING";
                break;
            case "STOPPING":
                task.LastStatus = "STOPPED";
                task.StoppedAt = Time.GetUtcNow();
                break;
        }
    }

    private FakeEcsTask? Find(string reference) =>
        _tasks.FirstOrDefault(t => Known(t) && (t.Arn == reference || t.Id == reference));

    private bool Known(FakeEcsTask task) =>
        !task.Forgotten && !(task.StoppedAt is { } stopped && Time.GetUtcNow() - stopped > StoppedRetention);
}
