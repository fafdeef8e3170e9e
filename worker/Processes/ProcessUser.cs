using System.Globalization;

namespace AgentConductor.Worker.Processes;

/// <summary>
/// A Unix account to start a child as, by number: it needs no entry in <c>/etc/passwd</c>, so the same setting works in
/// the image (user <c>agent</c>, 10001) and on a host that has no such user.
/// </summary>
internal sealed record ProcessUser(int Uid, int Gid)
{
    /// <summary>Parses <c>uid</c> or <c>uid:gid</c> (the group defaults to the uid); null when it is neither.</summary>
    public static ProcessUser? Parse(string text)
    {
        var parts = text.Trim().Split(':');
        if (parts.Length is < 1 or > 2 || !TryId(parts[0], out var uid))
        {
            return null;
        }

        var gid = uid;
        return parts.Length == 1 || TryId(parts[1], out gid) ? new ProcessUser(uid, gid) : null;
    }

    public override string ToString() => $"{Uid.ToString(CultureInfo.InvariantCulture)}:{Gid.ToString(CultureInfo.InvariantCulture)}";

    private static bool TryId(string text, out int id) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id >= 0;
}
