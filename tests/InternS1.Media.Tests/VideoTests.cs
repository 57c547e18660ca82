using InternS1.Media.Config;
using InternS1.Media.Prompts;
using InternS1.Media.Tests.Support;
using InternS1.Media.Video;

namespace InternS1.Media.Tests;

public class VideoTests(TestVideos videos) : IClassFixture<TestVideos>
{
    private static VideoPreprocessor Preprocessor(MediaOptions? options = null) => new(new VideoPreprocessorConfig(), 256, options ?? new MediaOptions());

    [Theory]
    // HF rule with initial_shift: floor(total * (2k+1) / (2n)), worked by hand
    [InlineData(32, 8, new[] { 2, 6, 10, 14, 18, 22, 26, 30 })]
    [InlineData(7, 3, new[] { 1, 3, 5 })]                       // 7/6 = 1.17, 21/6 = 3.5, 35/6 = 5.83
    [InlineData(10, 32, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })] // fewer frames than asked: all of them
    [InlineData(100, 4, new[] { 12, 37, 62, 87 })]              // 12.5, 37.5, 62.5, 87.5
    public void Sampling_takes_the_middle_of_equal_segments(int total, int n, int[] expected)
    {
        Assert.Equal(expected, VideoFrameSampler.SampleIndices(total, n));
    }

    [Fact]
    public void Sampling_with_a_250_frame_video_and_32_frames_ends_near_the_end()
    {
        var indices = VideoFrameSampler.SampleIndices(250, 32);
        Assert.Equal(32, indices.Length);
        Assert.Equal(3, indices[0]);    // 250/64 = 3.9
        Assert.Equal(11, indices[1]);   // 750/64 = 11.7
        Assert.Equal(246, indices[^1]); // 250*63/64 = 246.1
    }

    [Fact]
    public void Sampling_without_initial_shift_starts_at_frame_zero()
    {
        Assert.Equal(new[] { 0, 2, 5, 7 }, VideoFrameSampler.SampleIndices(10, 4, shiftFrames: 0)); // k * 2.5
    }

    [Fact]
    public async Task Solid_colour_video_gives_the_sampled_frames_with_their_colours_and_timestamps()
    {
        var video = await Preprocessor().ProcessAsync(videos.Solid, 8, CancellationToken.None);
        Assert.Equal(TestVideos.SolidFrames, video.Probe.FrameCount);
        Assert.Equal(3.2, video.Probe.Duration.TotalSeconds, tolerance: 1e-3);
        int[] expected = [2, 6, 10, 14, 18, 22, 26, 30];
        Assert.Equal(expected, video.SampledIndices);
        Assert.Equal(expected, video.Frames.Select(f => f.FrameIndex));
        for (var i = 0; i < expected.Length; i++)
        {
            var frame = video.Frames[i];
            Assert.Equal(expected[i] / TestVideos.SolidFps, frame.TimestampSeconds, tolerance: 1e-3);
            Assert.Equal(3 * 448 * 448, frame.PixelValues.Length);
            // un-normalise the centre pixel: R = 8n, G = 255 - 8n, B = 128 (lossless encode, YUV round trip within 4 levels)
            var centre = 224 * 448 + 224;
            Assert.Equal(8 * expected[i], frame.PixelValues[centre] * 0.229 * 255 + 0.485 * 255, tolerance: 4);
            Assert.Equal(255 - 8 * expected[i], frame.PixelValues[448 * 448 + centre] * 0.224 * 255 + 0.456 * 255, tolerance: 4);
            Assert.Equal(128, frame.PixelValues[2 * 448 * 448 + centre] * 0.225 * 255 + 0.406 * 255, tolerance: 4);
        }
        Assert.Equal(8, video.Frames.Select(f => f.ContentHash).Distinct().Count());
        Assert.Equal(8 * 256, video.ContextTokens);
    }

    [Fact]
    public async Task Default_frame_count_is_the_worker_setting_clamped_to_the_video()
    {
        var video = await Preprocessor(new MediaOptions { VideoFrames = 32 }).ProcessAsync(videos.Solid, null, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 32), video.Frames.Select(f => f.FrameIndex)); // 32 of 32: every frame
    }

    [Fact]
    public async Task Video_prompt_text_labels_each_frame()
    {
        var video = await Preprocessor().ProcessAsync(videos.Solid, 3, CancellationToken.None);
        var expanded = new PromptExpander().Expand("<|im_start|>user\n<video>\nWhat changes?<|im_end|>\n", [video]);
        var ctx = string.Concat(Enumerable.Repeat("<IMG_CONTEXT>", 256));
        var expected = "<|im_start|>user\n"
                       + "Frame1: <img>" + ctx + "</img>\n"
                       + "Frame2: <img>" + ctx + "</img>\n"
                       + "Frame3: <img>" + ctx + "</img>"
                       + "\nWhat changes?<|im_end|>\n";
        Assert.Equal(expected, expanded.Text);
        Assert.Equal(3 * 256, expanded.VideoTokens);
        Assert.Equal(0, expanded.ImageTokens);
        // frames 5, 16, 26 of 32 (floor(32*(2k+1)/6)) at 0.5 s, 1.6 s, 2.6 s
        Assert.Equal(new double?[] { 0.5, 1.6, 2.6 }, expanded.Runs.Select(r => (double?)Math.Round(r.TimestampSeconds!.Value, 3)));
    }

    [Fact]
    public async Task Video_longer_than_the_limit_is_too_large()
    {
        var e = await Assert.ThrowsAsync<MediaException>(() =>
            Preprocessor(new MediaOptions { MaxVideoDuration = TimeSpan.FromSeconds(1) }).ProcessAsync(videos.Solid, 4, CancellationToken.None));
        Assert.Equal(MediaErrorKind.TooLarge, e.Kind);
        Assert.Contains("3.2 s", e.Message);
    }

    [Fact]
    public async Task Frames_over_the_per_video_maximum_are_too_large_and_zero_breaks_the_precondition()
    {
        var options = new MediaOptions { MaxVideoFrames = 16 };
        Assert.Equal(MediaErrorKind.TooLarge, (await Assert.ThrowsAsync<MediaException>(() => Preprocessor(options).ProcessAsync(videos.Solid, 17, CancellationToken.None))).Kind);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Preprocessor(options).ProcessAsync(videos.Solid, 0, CancellationToken.None));
    }

    [Fact]
    public async Task Ffmpeg_over_its_timeout_is_a_timeout()
    {
        var e = await Assert.ThrowsAsync<MediaException>(() =>
            Preprocessor(new MediaOptions { FfmpegTimeout = TimeSpan.FromMilliseconds(1) }).ProcessAsync(videos.Solid, 4, CancellationToken.None));
        Assert.Equal(MediaErrorKind.Timeout, e.Kind);
    }

    [Fact]
    public async Task Garbage_file_is_unreadable()
    {
        var e = await Assert.ThrowsAsync<MediaException>(() => Preprocessor().ProcessAsync(videos.Garbage, 4, CancellationToken.None));
        Assert.Equal(MediaErrorKind.Unreadable, e.Kind);
    }
}
