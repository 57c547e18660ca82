using System.Text.Json.Nodes;
using InternS1.Batch.Http.Tests.Infrastructure;
using InternS1.Batch.Tests.Infrastructure;
using OpenAI.Chat;

namespace InternS1.Batch.Http.Tests.Service;

/// <summary>
/// The endpoint inside the worker (<c>interns1 worker</c> with <c>Serve:Urls</c>): a 32-job batch with long outputs
/// fills every sequence slot, then 8 interactive requests arrive. They preempt batch sequences and all finish while
/// the batch is still running (ordering and completion are asserted, not timings: <c>bench serve</c> measures those);
/// every batch job still ends exactly once, on its first delivery.
/// </summary>
/// <remarks>NOTE: alone in its collection: in a full run it once scraped an endpoint without a single interns1_engine
/// metric (though it had read interns1_engine_running moments before). Every worker host in this process publishes a
/// meter named "InternS1.Batch", and OpenTelemetry keeps one metric stream per instrument name across them, so another
/// test's host stopping can take the stream away (the same suspicion as WorkerMetricsPortTests).</remarks>
[Trait("Category", "Service")]
[Collection(MetricsEndpointCollection.Name)]
public sealed class MixedLoadTests
{
    // NOTE: batch outputs are long enough that no batch sequence ends (and frees a slot) while the interactive requests
    // arrive, even on a loaded machine: with short ones a freed slot could take a request without any preemption.
    private const int BatchJobs = 32, Slots = 16, Interactive = 8, BatchTokens = 192;

    [Fact]
    public async Task Interactive_requests_finish_ahead_of_a_running_batch_and_every_batch_job_still_ends_once()
    {
        await using var host = await ServeHost.StartAsync("t_mixed", new Dictionary<string, string?>
        {
            ["Engine:MaxNumSeqs"] = Slots.ToString(),
            ["Engine:MaxModelLength"] = "4096",
        }, worker: true);
        const string ds = "mixed-batch";
        for (var i = 0; i < BatchJobs; i++)
        {
            var job = Jobs.Text($"batch-{i:00}", ds, $"c{i:00}", $"Write essay number {i} on the chemistry of water.");
            job["sampling"] = new JsonObject { ["max_new_tokens"] = BatchTokens, ["seed"] = i };
            await Broker.PublishRawAsync(host.Queue!, job.ToJsonString());
        }
        await MetricsScrape.UntilAsync(host.BaseUrl + "/metrics", m => m.GetValueOrDefault("interns1_engine_running") >= Slots, TimeSpan.FromMinutes(2));

        var chat = host.Client().GetChatClient("intern-s1");
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 4 };
#pragma warning disable SCME0001
        options.Patch.Set("$.enable_thinking"u8, false);
#pragma warning restore SCME0001

        var answers = await Task.WhenAll(Enumerable.Range(0, Interactive).Select(i =>
            chat.CompleteChatAsync([new UserChatMessage($"Quick question {i}: what is H2O?")], options)));
        var batchDone = await BatchResultsAsync(host, ds);

        Assert.True(batchDone < BatchJobs, $"all {Interactive} interactive requests ended while the batch ran ({batchDone} of {BatchJobs} jobs done)");
        Assert.All(answers, a => Assert.InRange(a.Value.Usage.OutputTokenCount, 1, 4));
        // NOTE: scraped until the preemptions show. The endpoint serves a response cached for 300 ms (the default of
        // OpenTelemetry's Prometheus exporter), and when the process is warm (a full run of this project) the 8 requests
        // can finish inside that window: a single scrape right after them then read the figures of the scrape before
        // them (the 16 batch prompts looked up, none of the interactive ones, 0 preemptions) and failed 4 runs in 4.
        await MetricsScrape.UntilAsync(host.BaseUrl + "/metrics", m => m.GetValueOrDefault("interns1_engine_preemptions_total") > 0, TimeSpan.FromSeconds(30));
        Assert.Equal(Interactive, await Database.CountAsync(host.ConnectionString,
            "SELECT count(*) FROM jobs j JOIN results r ON r.job_id = j.id WHERE j.dataset = 'interactive' AND j.status = 'succeeded'"));

        await TestServices.WaitUntilAsync(async () => await BatchResultsAsync(host, ds) == BatchJobs, TimeSpan.FromMinutes(5),
            async () => $"{await BatchResultsAsync(host, ds)} of {BatchJobs} batch results");
        var jobs = await Database.RowsAsync(host.ConnectionString,
            "SELECT j.status, j.attempts, u.completion_tokens FROM jobs j JOIN token_usage u ON u.job_id = j.id WHERE j.dataset = @ds", ("ds", ds));
        Assert.Equal(BatchJobs, jobs.Count);
        Assert.All(jobs, j => Assert.Equal(("succeeded", 1), ((string)j[0]!, (int)j[1]!)));
        Assert.All(jobs, j => Assert.InRange((int)j[2]!, 1, BatchTokens));
        Assert.Equal(0, await Database.CountAsync(host.ConnectionString, "SELECT count(*) FROM dead_letters"));
        Assert.Equal(BatchJobs + Interactive, await Database.CountAsync(host.ConnectionString, "SELECT count(*) FROM results"));
    }

    private static Task<long> BatchResultsAsync(ServeHost host, string ds) => Database.CountAsync(host.ConnectionString,
        "SELECT count(*) FROM results r JOIN jobs j ON j.id = r.job_id WHERE j.dataset = @ds", ("ds", ds));
}

/// <summary>Tests that read a worker's metrics endpoint run alone (no other test class in parallel with them).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsEndpointCollection
{
    public const string Name = "metrics-endpoint";
}
