using AgentConductor.Conductor.Jobs;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// The <c>CONDUCTOR_URL</c> handed to workers: <c>Dispatch:ConductorUrl</c> when set, else this conductor's own worker
/// listener with the port it actually bound (so <c>WorkerApi:Urls</c> with port 0 works too).
/// </summary>
internal sealed class WorkerCallbackAddress(IOptions<DispatchOptions> dispatch, IOptions<WorkerApiOptions> worker, WorkerListener listener) : IWorkerCallbackAddress
{
    public string Resolve()
    {
        if (dispatch.Value.ConductorUrl is { Length: > 0 } configured)
        {
            return configured;
        }

        var uri = new UriBuilder(worker.Value.Urls);
        if (listener.Port is { } port)
        {
            uri.Port = port;
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }
}
