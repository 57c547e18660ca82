using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Preparation;
using InternS1.Media.Intake;
using SkiaSharp;
using Xunit.Abstractions;
using static InternS1.Batch.Tests.Infrastructure.Preparers;

namespace InternS1.Batch.Tests.Unit;

/// <summary>
/// The media side of job preparation, bounded before anything is decoded: tokens from image headers, the decoded-media
/// budget, one deadline, non-regular files and bodies cut short. The images are real 1920 x 1080 PNG headers cut after
/// 200 bytes: decoding one would fail as unreadable, so a job refused for its tokens or memory proves it was judged from
/// the headers alone. By hand, a 1920 x 1080 image is a 4 x 2 grid + thumbnail = 9 tiles = 2,304 tokens, and needs
/// 48,964,608 bytes to decode (RGBA + RGB 1920 x 1080 x 7, float rows 1080 x 2240 x 12, canvas 1792 x 896 x 3,
/// thumbnail 448 x 448 x 3) plus 200 encoded bytes and 21,676,032 bytes of float tiles (9 x 3 x 448 x 448 x 4).
/// </summary>
[Collection(MemoryMeasuringCollection.Name)]
public class MediaPreparationTests(ITestOutputHelper output)
{
    private static readonly Lazy<byte[]> TruncatedHd = new(() => Encode(1920, 1080)[..200]);

    private static JsonArray Hd(int count) => Parts([.. Enumerable.Range(0, count).Select(_ => Image(TruncatedHd.Value)), TextPart("Compare them.")]);

    [Fact]
    public async Task Image_headers_make_a_job_prompt_too_long_before_any_part_is_decoded()
    {
        var e = await Assert.ThrowsAsync<JobPreparationException>(() => Create(maxModelLength: 8001).PrepareAsync(Job(Hd(5)), CancellationToken.None));

        Assert.Equal("prompt_too_long", e.ReasonCode);
        Assert.Contains("(9216 of them for the 4 media part(s) read so far, from image headers and video probes), over the 8000 tokens", e.Message);
    }

    [Fact]
    public async Task A_100_image_job_over_the_decoded_memory_budget_is_media_too_large_before_decoding()
    {
        var budget = new DecodedMemoryBudget(256L << 20, reclaim: () => { });
        var job = Job(Hd(100));
        var before = ResidentBytes();

        var e = await Assert.ThrowsAsync<JobPreparationException>(() => Create(budget: budget, maxModelLength: 1_000_000).PrepareAsync(job, CancellationToken.None));

        var grown = ResidentBytes() - before;
        output.WriteLine($"resident memory grew by {grown / 1048576.0:0.0} MiB while the 100-image job was refused");
        // By hand: 48,964,808 + 21,676,032 = 70,640,840 bytes per part; four parts are 282,563,360 > 256 MiB (269.5 -> 270 MiB).
        Assert.Equal("media_too_large", e.ReasonCode);
        Assert.Equal("messages: the media parts need about 270 MiB to decode (4 of 100 read so far), over Media:MaxDecodedBytes (256 MiB)", e.Message);
        Assert.Equal(0, budget.ReservedBytes);
        Assert.True(grown < 256L << 20, $"resident memory grew by {grown} bytes, more than the budget");
    }

    [Fact]
    public async Task A_job_waits_for_room_in_the_budget_until_the_job_before_it_ends()
    {
        // A 64 x 64 image: 1 tile; decoding needs 64*64*7 + 64*896*12 + 448*448*3*2 bytes plus the PNG, then keeps 2,408,448.
        var png = Encode(64, 64);
        var needed = 64L * 64 * 7 + 64L * 896 * 12 + 448L * 448 * 3 * 2 + png.Length + 2_408_448;
        var budget = new DecodedMemoryBudget(needed + 2_408_448 - 1, reclaim: () => { });
        var preparer = Create(budget: budget);

        var first = await preparer.PrepareAsync(Job(Parts(Image(png))), CancellationToken.None);
        Assert.Equal(2_408_448, budget.ReservedBytes);
        var second = preparer.PrepareAsync(Job(Parts(Image(png))), CancellationToken.None);
        await TestServices.WaitUntilAsync(() => Task.FromResult(budget.Waiting == 1), TimeSpan.FromSeconds(30), () => Task.FromResult("the second job never waited"));
        Assert.False(second.IsCompleted);

        first.Dispose();
        using var done = await second;
        Assert.Equal(2_408_448, budget.ReservedBytes);
        done.Dispose();
        Assert.Equal(0, budget.ReservedBytes);
    }

    [Fact]
    public async Task One_deadline_covers_the_whole_preparation_and_ends_as_media_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts connections (the kernel's backlog) and never answers
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var preparer = Create(s => s with { PreparationTimeout = TimeSpan.FromMilliseconds(300) });
        var job = Job(Parts(new JsonObject { ["type"] = "image", ["url"] = $"http://127.0.0.1:{port}/a.png" }));

        var e = await Assert.ThrowsAsync<JobPreparationException>(() => preparer.PrepareAsync(job, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal("media_timeout", e.ReasonCode);
        Assert.Equal("job: preparing the prompt and its media took longer than Media:PreparationTimeout (00:00:00.3000000)", e.Message);
    }

    [Fact]
    public async Task A_fifo_path_is_media_unreadable_at_once()
    {
        var root = Directory.CreateTempSubdirectory("interns1-prep-fifo-").FullName;
        using (var mkfifo = Process.Start("mkfifo", [Path.Combine(root, "pipe.png")]))
            await mkfifo.WaitForExitAsync();
        var preparer = Create(media: o => o.MediaRoot = root);

        var e = await Assert.ThrowsAsync<JobPreparationException>(() =>
            preparer.PrepareAsync(Job(Parts(new JsonObject { ["type"] = "image", ["path"] = "pipe.png" })), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal("media_unreadable", e.ReasonCode);
        Assert.Equal("messages[0].content[0] (image path pipe.png): path is not a regular file (it is a FIFO)", e.Message);
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task A_media_body_cut_short_is_media_unreadable_not_a_fault_to_retry()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var client = await server.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = new byte[4096];
            _ = await stream.ReadAsync(request);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 1000\r\n\r\n0123456789"));
            await stream.FlushAsync();
            client.Client.Shutdown(SocketShutdown.Both);
        });
        var job = Job(Parts(new JsonObject { ["type"] = "image", ["url"] = $"http://127.0.0.1:{port}/a.png" }));

        var e = await Assert.ThrowsAsync<JobPreparationException>(() => Create().PrepareAsync(job, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));
        await serve;

        Assert.Equal("media_unreadable", e.ReasonCode);
        Assert.StartsWith($"messages[0].content[0] (image url http://127.0.0.1:{port}/a.png): the download failed after 10 bytes: ", e.Message);
    }

    [Fact]
    public async Task Memory_is_given_back_after_a_media_heavy_job_ends()
    {
        var jpeg = Encode(1920, 1080, SKEncodedImageFormat.Jpeg);
        var budget = new DecodedMemoryBudget(2L << 30);
        var preparer = Create(budget: budget);
        MemoryReclaimer.Reclaim();
        var before = ResidentBytes();

        var held = await PrepareMeasureAndEndAsync(preparer, Job(Parts([.. Enumerable.Range(0, 8).Select(_ => Image(jpeg))])));
        await TestServices.WaitUntilAsync(() => Task.FromResult(budget.Reclaims == 1), TimeSpan.FromSeconds(30), () => Task.FromResult("no reclaim"));
        await Task.Delay(500); // the reclaim runs on the thread pool: let it finish its collection
        var after = ResidentBytes();

        output.WriteLine($"resident: before {before >> 20} MiB, holding 8 prepared 1080p images {held >> 20} MiB, after the job ended {after >> 20} MiB");
        Assert.True(held - before > 100L << 20, $"8 prepared images added only {(held - before) >> 20} MiB; the test proves nothing");
        Assert.True(after - before < (held - before) / 2, $"resident memory stayed at {after >> 20} MiB after the job (before {before >> 20}, held {held >> 20})");
    }

    /// <summary>Prepares the job, reads the resident size while it is held, then ends it (nothing of it stays referenced).</summary>
    private static async Task<long> PrepareMeasureAndEndAsync(JobPreparer preparer, Contracts.Jobs.SubmitPromptJob job)
    {
        using var prepared = await preparer.PrepareAsync(job, CancellationToken.None);
        Assert.Equal(8 * 9 * 256, prepared.ImageTokens);
        return ResidentBytes();
    }

    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return Environment.WorkingSet;
    }

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(width, height);
        for (var y = 0; y < height; y += 8)
            for (var x = 0; x < width; x += 8)
                bitmap.SetPixel(x, y, new SKColor((byte)x, (byte)y, (byte)(x ^ y)));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }
}
