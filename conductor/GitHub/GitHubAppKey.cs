using System.Security.Cryptography;

namespace AgentConductor.Conductor.GitHub;

/// <summary>
/// Reads the App's private key: a PEM RSA key, PKCS#1 (<c>BEGIN RSA PRIVATE KEY</c>, what GitHub hands out) or PKCS#8
/// (<c>BEGIN PRIVATE KEY</c>), unencrypted, 2048 bits or more. Problems are described without any of the key's text.
/// </summary>
internal static class GitHubAppKey
{
    public static RSA Load(string path) =>
        TryLoad(path, out var key, out var problem) ? key : throw new InvalidOperationException(problem);

    public static bool TryLoad(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RSA? key, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        key = null;
        var full = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            problem = $"GitHub:AppPrivateKeyPath: there is no file at '{full}'.";
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"GitHub:AppPrivateKeyPath: '{full}' cannot be read ({ex.GetType().Name}).";
            return false;
        }

        if (text.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            problem = $"GitHub:AppPrivateKeyPath: '{full}' is an encrypted key; use the unencrypted .pem GitHub generated for the App.";
            return false;
        }

        if (!text.Contains("-----BEGIN RSA PRIVATE KEY-----", StringComparison.Ordinal) && !text.Contains("-----BEGIN PRIVATE KEY-----", StringComparison.Ordinal))
        {
            problem = $"GitHub:AppPrivateKeyPath: '{full}' holds no PEM private key (expected -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----).";
            return false;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(text);
            if (rsa.KeySize < 2048)
            {
                problem = $"GitHub:AppPrivateKeyPath: '{full}' is a {rsa.KeySize}-bit RSA key; GitHub App keys have 2048 bits or more.";
                rsa.Dispose();
                return false;
            }

            // A public key imports too; only a private key can sign.
            rsa.SignData([0], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            problem = $"GitHub:AppPrivateKeyPath: '{full}' is not a usable RSA private key ({ex.GetType().Name}: {ex.Message}).";
            return false;
        }

        key = rsa;
        problem = null;
        return true;
    }
}
