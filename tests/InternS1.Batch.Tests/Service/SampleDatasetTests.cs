using System.Diagnostics;
using InternS1.Batch.Contracts.Batch;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Validation;

namespace InternS1.Batch.Tests.Service;

/// <summary>ops/sample/make-sample.sh makes media with ffmpeg and a job file every job of which the worker accepts.</summary>
[Trait("Category", "Service")]
public class SampleDatasetTests
{
    [Fact]
    public async Task The_generated_sample_has_text_image_and_video_jobs_that_pass_strict_validation()
    {
        var outDir = Directory.CreateTempSubdirectory("interns1-sample-").FullName;
        try
        {
            var script = Path.Combine(TestServices.RepositoryRoot, "ops", "sample", "make-sample.sh");
            using (var p = Process.Start(new ProcessStartInfo("bash", [script, outDir]) { RedirectStandardError = true, RedirectStandardOutput = true })!)
            {
                var err = await p.StandardError.ReadToEndAsync();
                await p.WaitForExitAsync();
                Assert.True(p.ExitCode == 0, err);
            }
            foreach (var media in new[] { "chart.png", "bars.jpg", "clip.mp4" })
                Assert.True(new FileInfo(Path.Combine(outDir, "media", media)).Length > 1000, media);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(outDir, "media", "chart.png"))[..4]);

            using var reader = File.OpenText(Path.Combine(outDir, "sample.jsonl"));
            var (jobs, problems) = JobFileReader.Read(reader, "sample");
            Assert.Empty(problems);
            Assert.Equal(14, jobs.Count);
            var validator = new SubmitPromptJobValidator(Microsoft.Extensions.Options.Options.Create(new JobValidationOptions()), TimeProvider.System);
            var parts = new List<string>();
            foreach (var line in jobs)
            {
                var job = JobPayload.Deserialize(line.Job.ToJsonString());
                Assert.Null(validator.Validate(job));
                parts.AddRange(job.Messages.SelectMany(m => m.Content?.Parts ?? []).Select(p => p.Type));
            }
            Assert.Equal(5, parts.Count(t => t is "image" or "image_url"));
            Assert.Equal(2, parts.Count(t => t == "video"));
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }
}
