using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>
/// Git over smart HTTP, as GitHub serves it at <c>/owner/name.git</c>: Basic authentication with a token as the
/// password (no credentials get 401 with a Basic challenge, so git asks its credential helper), the token's scope
/// enforced (another repository is "not found", a push without <c>contents: write</c> is refused with 403), and the
/// repository served by the real <c>git http-backend</c> from a bare repository on disk.
/// </summary>
internal sealed partial class FakeGitHubGit(FakeGitHubServer server)
{
    public static Match Match(string path) => Route().Match(path);

    public async Task HandleAsync(HttpContext context, Match route)
    {
        var request = context.Request;
        var repository = $"{route.Groups["owner"].Value}/{route.Groups["repo"].Value}";
        var rest = route.Groups["rest"].Value;
        var service = rest == "info/refs" ? request.Query["service"].ToString() : rest;
        if (service is not ("git-upload-pack" or "git-receive-pack"))
        {
            server.Fail($"git {request.Method} {request.Path}{request.QueryString}: only the smart protocol is served");
            await PlainAsync(context, 403, "fake GitHub: smart HTTP only");
            return;
        }

        var token = BasicPassword(request.Headers.Authorization.ToString());
        var status = Authorize(repository, service, token);
        server.GitRequests.Enqueue(new FakeGitRequest(service, repository, token, status ?? 200));
        if (status is { } refused)
        {
            if (refused == 401)
            {
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"GitHub\"";
            }

            await PlainAsync(context, refused, refused switch
            {
                401 => "Invalid username or token. Password authentication is not supported for Git operations.",
                403 => $"Write access to repository not granted.",
                _ => "Repository not found.",
            });
            return;
        }

        await BackendAsync(context, server.GitRepositories[repository], rest);
    }

    /// <summary>Null when the token may do this, else the status GitHub answers.</summary>
    private int? Authorize(string repository, string service, string? token)
    {
        if (!server.GitRepositories.ContainsKey(repository))
        {
            return 404;
        }

        if (token is null)
        {
            return 401;
        }

        if (server.Token.Length > 0 && token == server.Token)
        {
            return null;
        }

        if (server.App?.FindToken(token) is not { } minted || minted.ExpiresAt <= server.App.Time.GetUtcNow())
        {
            return 401;
        }

        var parts = repository.Split('/');
        if (!minted.Reaches(parts[0], parts[1]))
        {
            return 404;
        }

        return minted.Allows("contents", service == "git-receive-pack" ? "write" : "read") ? null : 403;
    }

    private async Task BackendAsync(HttpContext context, string bareRepository, string rest)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("http-backend");
        var full = Path.GetFullPath(bareRepository);
        start.Environment["GIT_PROJECT_ROOT"] = Path.GetDirectoryName(full);
        start.Environment["PATH_INFO"] = $"/{Path.GetFileName(full)}/{rest}";
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["REMOTE_USER"] = "x-access-token";
        start.Environment["REMOTE_ADDR"] = "127.0.0.1";
        start.Environment["REQUEST_METHOD"] = request.Method;
        start.Environment["QUERY_STRING"] = request.QueryString.Value?.TrimStart('?') ?? "";
        start.Environment["CONTENT_TYPE"] = request.ContentType ?? "";
        start.Environment["CONTENT_LENGTH"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["GIT_PROTOCOL"] = request.Headers["Git-Protocol"].ToString();
        start.Environment["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git http-backend did not start");
        var errors = process.StandardError.ReadToEndAsync(context.RequestAborted);
        var input = Task.Run(
            async () =>
            {
                await process.StandardInput.BaseStream.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted);
                process.StandardInput.Close();
            },
            context.RequestAborted);
        var output = process.StandardOutput.BaseStream;
        foreach (var (name, value) in await ReadHeadersAsync(output, context.RequestAborted))
        {
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                context.Response.Headers[name] = value;
            }
        }

        await output.CopyToAsync(context.Response.Body, context.RequestAborted);
        await input;
        await process.WaitForExitAsync(context.RequestAborted);
        if (process.ExitCode != 0)
        {
            server.Fail($"git http-backend {rest} exited with {process.ExitCode}: {await errors}");
        }
    }

    /// <summary>The CGI headers, up to the blank line; the body follows in the stream.</summary>
    private static async Task<List<(string Name, string Value)>> ReadHeadersAsync(Stream output, CancellationToken cancellationToken)
    {
        var headers = new List<(string, string)>();
        var line = new StringBuilder();
        var one = new byte[1];
        while (await output.ReadAsync(one, cancellationToken) == 1)
        {
            if (one[0] == (byte)'\r')
            {
                continue;
            }

            if (one[0] != (byte)'\n')
            {
                line.Append((char)one[0]);
                continue;
            }

            if (line.Length == 0)
            {
                break;
            }

            var text = line.ToString();
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            headers.Add((text[..colon].Trim(), text[(colon + 1)..].Trim()));
            line.Clear();
        }

        return headers;
    }

    private static string? BasicPassword(string authorization)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task PlainAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }

    [GeneratedRegex(@"^/(?<owner>[A-Za-z0-9._-]+)/(?<repo>[A-Za-z0-9._-]+)\.git/(?<rest>info/refs|git-upload-pack|git-receive-pack)$")]
    private static partial Regex Route();
}
