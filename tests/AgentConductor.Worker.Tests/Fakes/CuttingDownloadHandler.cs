using System.Collections.Concurrent;
using AgentConductor.Proto.V1;

namespace AgentConductor.Worker.Tests.Fakes;

/// <summary>
/// Passes calls through to a real connection (h2c), but the first DownloadTaskFiles response breaks with an
/// <see cref="IOException"/> after <paramref name="afterBytes"/> bytes of its body, as when the connection to the
/// conductor drops mid-stream. Records every DownloadTaskFiles request as sent.
/// </summary>
internal sealed class CuttingDownloadHandler(long afterBytes) : DelegatingHandler(new SocketsHttpHandler())
{
    private const int FramePrefixLength = 5; // compressed flag + 4-byte length
    private int _cut;

    /// <summary>The DownloadTaskFiles requests, in order.</summary>
    public ConcurrentQueue<DownloadTaskFilesRequest> DownloadRequests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isDownload = request.RequestUri!.AbsolutePath.EndsWith("/DownloadTaskFiles", StringComparison.Ordinal);
        if (isDownload)
        {
            var frame = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            DownloadRequests.Enqueue(DownloadTaskFilesRequest.Parser.ParseFrom(frame.AsSpan(FramePrefixLength)));
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (isDownload && Interlocked.Exchange(ref _cut, 1) == 0)
        {
            response.Content = new CutContent(response.Content, afterBytes);
        }

        return response;
    }

    private sealed class CutContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly long _afterBytes;

        public CutContent(HttpContent inner, long afterBytes)
        {
            _inner = inner;
            _afterBytes = afterBytes;
            foreach (var header in _inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => throw new NotSupportedException();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override async Task<Stream> CreateContentReadStreamAsync() => new CutStream(await _inner.ReadAsStreamAsync(), _afterBytes);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
            => new CutStream(await _inner.ReadAsStreamAsync(cancellationToken), _afterBytes);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class CutStream(Stream inner, long afterBytes) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= afterBytes)
            {
                await inner.DisposeAsync(); // aborts the HTTP/2 stream, so the conductor sees the cut too
                throw new IOException($"simulated connection cut after {_read} bytes");
            }

            var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, afterBytes - _read)], cancellationToken);
            _read += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
