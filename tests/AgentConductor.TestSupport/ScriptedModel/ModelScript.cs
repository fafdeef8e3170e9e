namespace AgentConductor.TestSupport.ScriptedModel;

/// <summary>
/// The answers the scripted model gives, in order: each request to <c>POST /v1/responses</c> takes the next step.
/// Several agent runs against one server take their steps one after the other. A script that <see cref="Repeat"/>s starts
/// over when it is used up; one that does not answers every further request 400 and records a failure.
/// </summary>
public sealed class ModelScript
{
    private ModelScript(IReadOnlyList<ModelStep> steps, bool repeat)
    {
        if (steps.Count == 0)
        {
            throw new ArgumentException("A script needs at least one step.", nameof(steps));
        }

        Steps = steps;
        Repeat = repeat;
    }

    public IReadOnlyList<ModelStep> Steps { get; }

    public bool Repeat { get; }

    public static ModelScript Of(params ModelStep[] steps) => new(steps, repeat: false);

    public static ModelScript Repeating(params ModelStep[] steps) => new(steps, repeat: true);

    public override string ToString() => string.Join(" | ", Steps) + (Repeat ? " (repeating)" : "");
}
