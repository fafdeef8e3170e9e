namespace AgentConductor.Conductor.Aws.Ecs;

/// <summary>
/// ECS's <c>ConflictException</c> for RunTask: the client token was already used (within about a day) by a request
/// with other parameters. <see cref="TaskArns"/> are the tasks that earlier request started.
/// </summary>
internal sealed class EcsClientTokenConflictException(AwsRequestException error, IReadOnlyList<string> taskArns)
    : Exception(error.Message, error)
{
    public IReadOnlyList<string> TaskArns => taskArns;
}
