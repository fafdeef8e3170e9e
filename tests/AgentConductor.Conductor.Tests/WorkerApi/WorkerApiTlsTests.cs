using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.WorkerApi;

public sealed class WorkerApiTlsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Handshake_WorkerListenerWithCertificate_ServedOverTls()
    {
        using var directory = new TempDirectory();
        var pfx = directory.File("worker.pfx");
        string thumbprint;
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "s3cret"));
            thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        }

        await using var host = await ConductorHost.StartAsync(
            ["--WorkerApi:Urls=https://127.0.0.1:0", $"--WorkerApi:CertificatePath={pfx}", "--WorkerApi:CertificatePassword=s3cret"], cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);
        string? negotiated = null;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // The self-signed certificate is pinned by its SHA-256 thumbprint.
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    negotiated = certificate?.Subject;
                    return certificate?.GetCertHashString(HashAlgorithmName.SHA256) == thumbprint;
                },
            },
        };
        using var channel = GrpcChannel.ForAddress(host.WorkerAddress, new GrpcChannelOptions { HttpHandler = handler });
        var client = new WorkerService.WorkerServiceClient(channel);

        var response = await client.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;

        Assert.Equal("https", host.WorkerAddress.Scheme);
        Assert.Equal("CN=127.0.0.1", negotiated);
        Assert.Equal(jobId, response.Job.JobId);
    }
}
