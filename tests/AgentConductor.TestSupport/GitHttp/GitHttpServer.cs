using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentConductor.TestSupport.GitHttp;

/// <summary>
/// A git remote over smart HTTP on 127.0.0.1 (free port), as GitHub serves one: the real <c>git http-backend</c> (run
/// per request as CGI) over the bare repositories in <see cref="Root"/>, behind HTTP Basic authentication with one token
/// (user <c>x-access-token</c>, as GitHub takes an installation or personal token). A request without it is answered
/// 401 with a challenge, as GitHub answers a private repository. Every request, and the credential it carried, is kept
/// in <see cref="Requests"/>, so a test can prove a token went only where it should.
/// </summary>
public sealed class GitHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<GitHttpRequest> _requests = new();

    private GitHttpServer(WebApplication app, string root, string? token)
    {
        _app = app;
        Root = root;
        Token = token;
    }

    /// <summary>The folder whose bare repositories are served (<c>/name.git</c>).</summary>
    public string Root { get; }

    /// <summary>The only token accepted; null serves everyone (and records what they sent).</summary>
    public string? Token { get; }

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<GitHttpRequest> Requests => [.. _requests];

    /// <summary>The URL of repository <paramref name="name"/> (a bare repository in <see cref="Root"/>).</summary>
    public string Url(string name) => $"{BaseUrl}/{name}";

    /// <summary>True when any request carried <paramref name="secret"/> in its <c>Authorization</c> (in the clear or in Basic's base64).</summary>
    public bool Received(string secret) => _requests.Any(r => r.Authorization is { } header && Decoded(header).Contains(secret, StringComparison.Ordinal));

    public static async Task<GitHttpServer> StartAsync(string root, string? token, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new GitHttpServer(app, Path.GetFullPath(root), token);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null;
        var authorized = Token is null || authorization == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + Token));
        if (!authorized)
        {
            _requests.Enqueue(new GitHttpRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", authorization, false, 401));
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"git\"";
            return;
        }

        var status = await RunBackendAsync(context);
        _requests.Enqueue(new GitHttpRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", authorization, true, status));
    }

    // CGI: the request as variables and stdin; the answer as headers, a blank line, then the body, on stdout.
    private async Task<int> RunBackendAsync(HttpContext context)
    {
        var request = context.Request;
        var start = new ProcessStartInfo("git", "http-backend")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["GIT_PROJECT_ROOT"] = Root;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["REQUEST_METHOD"] = request.Method;
        start.Environment["PATH_INFO"] = request.Path.Value ?? "";
        start.Environment["QUERY_STRING"] = (request.QueryString.Value ?? "").TrimStart('?');
        start.Environment["CONTENT_TYPE"] = request.ContentType ?? "";
        start.Environment["REMOTE_USER"] = "x-access-token"; // lets receive-pack (a push) through
        start.Environment["REMOTE_ADDR"] = "127.0.0.1";
        if (request.ContentLength is { } length)
        {
            start.Environment["CONTENT_LENGTH"] = length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (request.Headers.ContentEncoding.Count > 0)
        {
            start.Environment["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();
        }

        if (request.Headers.TryGetValue("Git-Protocol", out var protocol))
        {
            start.Environment["GIT_PROTOCOL"] = protocol.ToString();
        }

        using var backend = Process.Start(start)!;
        var errors = backend.StandardError.ReadToEndAsync(context.RequestAborted);
        await request.Body.CopyToAsync(backend.StandardInput.BaseStream, context.RequestAborted);
        backend.StandardInput.Close();

        var output = backend.StandardOutput.BaseStream;
        var status = 200;
        while (await ReadHeaderLineAsync(output, context.RequestAborted) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                status = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                context.Response.Headers.Append(name, value);
            }
        }

        context.Response.StatusCode = status;
        await output.CopyToAsync(context.Response.Body, context.RequestAborted);
        await backend.WaitForExitAsync(context.RequestAborted);
        await errors;
        return status;
    }

    private static async Task<string?> ReadHeaderLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one, cancellationToken) == 1)
        {
            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            }

            bytes.Add(one[0]);
        }

        return bytes.Count == 0 ? null : Encoding.ASCII.GetString([.. bytes]);
    }

    private static string Decoded(string header)
    {
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var value = space < 0 ? header : header[(space + 1)..];
        try
        {
            return header + "\n" + Encoding.UTF8.GetString(Convert.FromBase64String(value));
        }
        catch (FormatException)
        {
            return header;
        }
    }
}
