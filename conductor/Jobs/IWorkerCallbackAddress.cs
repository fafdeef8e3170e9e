namespace AgentConductor.Conductor.Jobs;

/// <summary>The address a launched worker calls back on (its <c>CONDUCTOR_URL</c>).</summary>
internal interface IWorkerCallbackAddress
{
    string Resolve();
}
