namespace AgentConductor.Worker.ModelProxy;

/// <summary>
/// Decides, before each model request is forwarded, whether the agent may make it, and hears how each one ended. The
/// seam a budget plugs into: it reads the run's usage so far and refuses past its cap; the agent then gets the refusal
/// instead of the model (see <c>Budget/JobBudgetGate.cs</c>).
/// </summary>
internal interface IModelRequestGate
{
    /// <summary>Null forwards the request; a refusal is answered to the agent as an API error.</summary>
    ModelRequestRefusal? Check(ModelUsageMeter usage);

    /// <summary>A request has ended (forwarded, refused or cut short) and <paramref name="usage"/> has counted it.</summary>
    void Completed(ModelRequestRecord request, ModelUsageMeter usage);
}

/// <summary>An API error the proxy answers instead of forwarding (e.g. 429 <c>insufficient_quota</c>).</summary>
internal sealed record ModelRequestRefusal(int Status, string Code, string Message);

/// <summary>No budget: every request is forwarded.</summary>
internal sealed class AdmitEveryModelRequest : IModelRequestGate
{
    public ModelRequestRefusal? Check(ModelUsageMeter usage) => null;

    public void Completed(ModelRequestRecord request, ModelUsageMeter usage)
    {
    }
}
