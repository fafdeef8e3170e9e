using AgentConductor.TestSupport;
using AgentConductor.Worker.Workspace;

namespace AgentConductor.Worker.Tests.Workspace;

public sealed class WorkspacePathsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../escape.txt")]
    [InlineData("docs/../../escape.txt")]
    [InlineData("docs/..")]
    [InlineData("docs\\TASK.md")]
    [InlineData("TASK.md\0.txt")]
    [InlineData("./TASK.md")]
    [InlineData("docs//TASK.md")]
    [InlineData("docs/")]
    public void Resolve_UnsafePath_RefusedNamingThePath(string path)
    {
        using var workspace = new TempDirectory();

        var ex = Assert.Throws<TaskFileException>(() => WorkspacePaths.Resolve(workspace.Path, path));

        Assert.Equal(TaskFileError.UnsafePath, ex.Error);
        Assert.Equal(path, ex.Path);
        Assert.DoesNotContain("\0", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TASK.md")]
    [InlineData("docs/deep/AGENTS.md")]
    [InlineData("..hidden/a..b")]
    public void Resolve_PlainRelativePath_FullPathInsideWorkspace(string path)
    {
        using var workspace = new TempDirectory();

        var full = WorkspacePaths.Resolve(workspace.Path, path);

        Assert.Equal(Path.Combine(workspace.Path, path), full);
    }

    [Fact]
    public void Resolve_DirectoryIsSymlinkInsideWorkspace_Refused()
    {
        using var workspace = new TempDirectory();
        using var outside = new TempDirectory();
        Directory.CreateSymbolicLink(Path.Combine(workspace.Path, "docs"), outside.Path);

        var ex = Assert.Throws<TaskFileException>(() => WorkspacePaths.Resolve(workspace.Path, "docs/TASK.md"));

        Assert.Equal(TaskFileError.UnsafePath, ex.Error);
        Assert.Contains("symbolic link", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_FileIsDanglingSymlink_Refused()
    {
        using var workspace = new TempDirectory();
        File.CreateSymbolicLink(Path.Combine(workspace.Path, "TASK.md"), "/nonexistent/target");

        var ex = Assert.Throws<TaskFileException>(() => WorkspacePaths.Resolve(workspace.Path, "TASK.md"));

        Assert.Equal(TaskFileError.UnsafePath, ex.Error);
    }
}
