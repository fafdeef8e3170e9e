namespace AgentConductor.Conductor.Intake;

/// <summary>Reads the fields every CloudWatch alarm shape shares: account ids and alarm states.</summary>
internal static class AlarmFields
{
    public static bool IsAccountId(string value) =>
        value.Length == 12 && !value.AsSpan().ContainsAnyExceptInRange('0', '9');

    /// <summary>The 12-digit account id at <paramref name="path"/>, or null when it is absent.</summary>
    public static string? OptionalAccount(JsonFieldReader reader, string path)
    {
        var account = reader.OptionalString(path);
        return account is null || IsAccountId(account)
            ? account
            : throw reader.Invalid(path, $"must be a 12-digit AWS account id but was {JsonFieldReader.Quote(account)}");
    }

    public static AlarmState RequiredState(JsonFieldReader reader, string path) =>
        OptionalState(reader, path) ?? throw reader.Missing(path);

    public static AlarmState? OptionalState(JsonFieldReader reader, string path) =>
        reader.OptionalString(path) switch
        {
            null => null,
            "OK" => AlarmState.Ok,
            "ALARM" => AlarmState.Alarm,
            "INSUFFICIENT_DATA" => AlarmState.InsufficientData,
            var other => throw reader.Invalid(
                path,
                $"must be OK, ALARM or INSUFFICIENT_DATA but was {JsonFieldReader.Quote(other)}"),
        };
}
