namespace AgentConductor.Conductor.Shutdown;

/// <summary>What the flag file says. Anything but a clear <c>true</c> or <c>false</c> is <see cref="Unreadable"/>.</summary>
internal enum ShutdownFlagValue
{
    Absent,
    False,
    True,
    Unreadable,
}

/// <summary>Reads the flag file. Never throws: a problem is reported as <see cref="ShutdownFlagValue.Unreadable"/> with its reason.</summary>
internal static class ShutdownFlag
{
    private const int MaxBytes = 256;

    public static (ShutdownFlagValue Value, string? Problem) Read(string path)
    {
        string text;
        try
        {
            if (!File.Exists(path))
            {
                return Directory.Exists(path) ? (ShutdownFlagValue.Unreadable, $"'{path}' is a folder, not a file") : (ShutdownFlagValue.Absent, null);
            }

            using var stream = File.OpenRead(path);
            var buffer = new byte[MaxBytes + 1];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read > MaxBytes)
            {
                return (ShutdownFlagValue.Unreadable, $"'{path}' is longer than {MaxBytes} bytes; expected true or false");
            }

            text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (ShutdownFlagValue.Unreadable, $"cannot read '{path}': {ex.Message}");
        }

        return text.Trim().ToLowerInvariant() switch
        {
            "true" => (ShutdownFlagValue.True, null),
            "false" or "" => (ShutdownFlagValue.False, null),
            _ => (ShutdownFlagValue.Unreadable, $"'{path}' holds \"{Printable(text)}\"; expected true or false"),
        };
    }

    private static string Printable(string text)
    {
        var trimmed = text.Trim();
        var cut = trimmed.Length > 40 ? trimmed[..40] + "..." : trimmed;
        return string.Concat(cut.Select(c => char.IsControl(c) ? '?' : c));
    }
}
