namespace AgentConductor.Conductor.Intake;

/// <summary>The parts of <c>arn:PARTITION:cloudwatch:REGION:ACCOUNT:alarm:NAME</c> the intake uses.</summary>
internal sealed record AlarmArn(string Region, string Account)
{
    public static AlarmArn? TryParse(string? arn)
    {
        var parts = arn?.Split(':', 7);
        if (parts is not ["arn", _, "cloudwatch", { Length: > 0 } region, var account, "alarm", { Length: > 0 }]
            || !AlarmFields.IsAccountId(account))
        {
            return null;
        }

        return new AlarmArn(region, account);
    }
}
