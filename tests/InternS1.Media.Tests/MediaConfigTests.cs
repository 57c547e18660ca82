using InternS1.Media.Config;

namespace InternS1.Media.Tests;

public sealed class MediaConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("interns1-media-config-").FullName;

    // Intern-S1-mini's preprocessor_config.json / video_preprocessor_config.json / processor_config.json (HF pages; notes §5).
    private const string MiniPreprocessor = """
        {"crop_to_patches": false, "data_format": "channels_first", "default_to_square": true, "do_convert_rgb": true,
         "do_normalize": true, "do_rescale": true, "do_resize": true, "image_mean": [0.485, 0.456, 0.406],
         "image_processor_type": "GotOcr2ImageProcessorFast", "image_std": [0.229, 0.224, 0.225], "max_patches": 12,
         "min_patches": 1, "processor_class": "InternS1Processor", "resample": 3, "rescale_factor": 0.00392156862745098,
         "size": {"height": 448, "width": 448}}
        """;
    private const string MiniVideo = """
        {"do_sample_frames": false, "fps": null, "initial_shift": true, "num_frames": null, "resample": 3,
         "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225], "size": {"height": 448, "width": 448},
         "video_processor_type": "InternS1VideoProcessor"}
        """;

    [Fact]
    public void Mini_files_give_the_intern_s1_settings()
    {
        File.WriteAllText(Path.Combine(_dir, "preprocessor_config.json"), MiniPreprocessor);
        File.WriteAllText(Path.Combine(_dir, "video_preprocessor_config.json"), MiniVideo);
        File.WriteAllText(Path.Combine(_dir, "processor_config.json"), """{"image_seq_length": 256, "processor_class": "InternS1Processor"}""");
        var config = MediaPreprocessingConfig.Load(_dir);
        Assert.Equal((448, 1, 12, 256), (config.Image.TileSize, config.Image.MinTiles, config.Image.MaxTiles, config.TokensPerTile));
        Assert.Equal([0.229, 0.224, 0.225], config.Image.ImageStd);
        Assert.Equal(1 / 255.0, config.Image.RescaleFactor, tolerance: 1e-15);
        Assert.True(config.Video.InitialShift);
        Assert.Null(config.Video.NumFrames);
        Assert.Equal(448, config.Video.FrameSize);
    }

    [Fact]
    public void Missing_files_give_defaults_and_config_json_supplies_image_seq_length()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), """{"image_seq_length": 64, "downsample_ratio": 0.5}""");
        var config = MediaPreprocessingConfig.Load(_dir);
        Assert.Equal(64, config.TokensPerTile);
        Assert.Equal(12, config.Image.MaxTiles);
        Assert.Equal(448, config.Video.FrameSize);
    }

    [Fact]
    public void Values_from_the_files_replace_the_defaults()
    {
        File.WriteAllText(Path.Combine(_dir, "preprocessor_config.json"), """{"max_patches": 6, "min_patches": 2, "size": {"height": 224, "width": 224}}""");
        File.WriteAllText(Path.Combine(_dir, "video_preprocessor_config.json"), """{"num_frames": 8, "initial_shift": false}""");
        var config = MediaPreprocessingConfig.Load(_dir);
        Assert.Equal((224, 2, 6), (config.Image.TileSize, config.Image.MinTiles, config.Image.MaxTiles));
        Assert.Equal(8, config.Video.NumFrames);
        Assert.False(config.Video.InitialShift);
    }

    [Theory]
    [InlineData("""{"resample": 2}""", "\"resample\" 2 is not supported")]
    [InlineData("""{"size": {"height": 448, "width": 224}}""", "\"size\"")]
    [InlineData("""{"max_patches": 0}""", "\"max_patches\" (0) must be >= \"min_patches\" (1)")]
    [InlineData("""{"image_mean": [0.5, 0.5]}""", "\"image_mean\" must be a list of 3 numbers")]
    [InlineData("""{"max_patches": "twelve"}""", "\"max_patches\" must be an integer")]
    [InlineData("not json", "not valid JSON")]
    public void Bad_values_name_the_file_and_key(string json, string message)
    {
        File.WriteAllText(Path.Combine(_dir, "preprocessor_config.json"), json);
        var e = Assert.Throws<InvalidDataException>(() => MediaPreprocessingConfig.Load(_dir));
        Assert.Contains("preprocessor_config.json", e.Message);
        Assert.Contains(message, e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
