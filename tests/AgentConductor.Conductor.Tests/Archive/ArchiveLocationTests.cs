using AgentConductor.Conductor.Archive;

namespace AgentConductor.Conductor.Tests.Archive;

public sealed class ArchiveLocationTests
{
    private const string JobId = "01jc5m4n7w8x9y0z1a2b3c4d5e";

    [Fact]
    public void Aws_VirtualHostedUrlsAndS3Uris()
    {
        var location = new ArchiveLocation(new ArchiveOptions { Bucket = "acme-archive", Prefix = "/agent-conductor/prod/", Region = "eu-west-1" });

        Assert.Equal($"agent-conductor/prod/{JobId}/result.json", location.Key(JobId, ArchiveObjects.Result));
        Assert.Equal($"s3://acme-archive/agent-conductor/prod/{JobId}/", location.FolderUri(JobId));
        Assert.Equal($"https://acme-archive.s3.eu-west-1.amazonaws.com/agent-conductor/prod/{JobId}/", location.FolderUrl(JobId));
    }

    [Fact]
    public void Aws_BucketWithDotsAndChinaPartition_PathStyleOnThePartitionsDomain()
    {
        var location = new ArchiveLocation(new ArchiveOptions { Bucket = "archive.acme.example", Prefix = "", Region = "cn-north-1" });

        Assert.Equal($"{JobId}/log.txt", location.Key(JobId, ArchiveObjects.Log));
        Assert.Equal($"https://s3.cn-north-1.amazonaws.com.cn/archive.acme.example/{JobId}/", location.FolderUrl(JobId));
    }

    [Fact]
    public void CustomEndpoint_PathStyle_WithEscapedPrefix()
    {
        var location = new ArchiveLocation(new ArchiveOptions { Bucket = "jobs", Prefix = "team a/runs", Region = "us-east-1", ServiceUrl = "http://127.0.0.1:4568/" });

        Assert.Equal($"team a/runs/{JobId}/transcript.jsonl", location.Key(JobId, ArchiveObjects.Transcript));
        Assert.Equal($"http://127.0.0.1:4568/jobs/team%20a/runs/{JobId}/", location.FolderUrl(JobId));
    }
}
