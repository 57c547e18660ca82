using InternS1.Media.Intake;

namespace InternS1.Media.Tests;

public class MediaRootResolverTests
{
    [Theory]
    [InlineData("/data/media/a.png", "/data/media", true)]
    [InlineData("/data/media/a.png", "/data/media/", true)]
    [InlineData("/data/mediax/a.png", "/data/media", false)]
    [InlineData("/data/media", "/data/media", false)]
    [InlineData("/tmp/a.png", "/", true)]
    [InlineData("/", "/", false)]
    public void A_path_is_inside_a_root_only_below_it_and_everything_is_below_the_file_system_root(string path, string root, bool inside)
    {
        Assert.Equal(inside, MediaRootResolver.IsInside(path, root));
    }

    [Fact]
    public void With_the_file_system_root_as_media_root_any_existing_file_resolves()
    {
        var file = Path.GetTempFileName();
        try
        {
            Assert.Equal(MediaRootResolver.RealPath(file), MediaRootResolver.Resolve("/", file));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
