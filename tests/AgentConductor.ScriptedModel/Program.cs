using System.Runtime.InteropServices;
using System.Text.Json;
using AgentConductor.TestSupport.ScriptedModel;

// A scripted Responses API on 127.0.0.1 for a real Codex CLI: scripts/run-local.sh starts it so the local run needs no
// network and no key. Prints one JSON line ({"baseUrl": ...}) once it listens, then one line per request; stops on
// SIGINT or SIGTERM.
const string Usage = "usage: AgentConductor.ScriptedModel [--script NAME] [--port N] [--credential KEY]";
var script = "demo";
var port = 0;
var credential = Environment.GetEnvironmentVariable("SCRIPTED_MODEL_CREDENTIAL") is { Length: > 0 } fromEnvironment ? fromEnvironment : "sk-scripted-model-local";
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--script" when value is not null:
            script = value;
            i++;
            break;
        case "--port" when int.TryParse(value, out port) && port is >= 0 and <= 65535:
            i++;
            break;
        case "--credential" when !string.IsNullOrWhiteSpace(value):
            credential = value;
            i++;
            break;
        default:
            await Console.Error.WriteLineAsync($"{Usage}\nunknown or incomplete argument '{args[i]}'");
            return 2;
    }
}

if (!ModelScripts.ByName.TryGetValue(script, out var modelScript))
{
    await Console.Error.WriteLineAsync($"{Usage}\nno script '{script}'; scripts: {string.Join(", ", ModelScripts.ByName.Keys)}");
    return 2;
}

using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
await using var server = await ScriptedModelServer.StartAsync(
    modelScript, credential, port, request => Console.WriteLine($"request {request.Index}: {request.Method} {request.Path} ({request.Mode}, model {request.Model}) -> {request.Answer}"));
Console.WriteLine(JsonSerializer.Serialize(new { baseUrl = server.BaseUrl, script }));
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

foreach (var failure in server.Failures)
{
    await Console.Error.WriteLineAsync("failure: " + failure);
}

return server.Failures.Count == 0 ? 0 : 1;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
