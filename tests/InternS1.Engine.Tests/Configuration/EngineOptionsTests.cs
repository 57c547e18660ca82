using System.ComponentModel.DataAnnotations;
using InternS1.Engine.Configuration;

namespace InternS1.Engine.Tests.Configuration;

public sealed class EngineOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_prefix_caching_is_on()
    {
        var options = new EngineOptions();
        options.ValidateOrThrow();
        Assert.True(options.EnablePrefixCaching);
        Assert.Equal("Engine", EngineOptions.SectionName);
    }

    [Fact]
    public void Out_of_range_settings_are_named()
    {
        var options = new EngineOptions { MaxNumSeqs = 0, KvCacheMemoryFraction = 1.5, BlockSize = 0 };
        var ex = Assert.Throws<ValidationException>(options.ValidateOrThrow);
        Assert.Contains("Engine:MaxNumSeqs", ex.Message);
        Assert.Contains("Engine:KvCacheMemoryFraction", ex.Message);
        Assert.Contains("Engine:BlockSize", ex.Message);
    }
}
