using System.Diagnostics.Metrics;
using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Options;
using InternS1.Engine.Core;
using InternS1.Engine.Execution;
using InternS1.Text.Tokenization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Tests.Unit;

/// <summary>AddInternS1Engine composed in a host with an instant test runner on a folder of real prompt files.</summary>
public class EngineCompositionTests
{
    private static readonly InternS1Tokenizer Tokenizer = InternS1Tokenizer.Load(TinyPromptFolder.Directory);
    private static readonly int Eos = Tokenizer.TokenToId("<|im_end|>")!.Value;
    private static readonly IReadOnlyList<int> Answer = Tokenizer.Encode("Hello world");

    private static SubmitPromptJob Job(string id) => new()
    {
        JobId = id,
        Dataset = "composition",
        CustomId = id,
        Messages = [new ChatMessage { Role = "user", Content = "Say hello." }],
        EnableThinking = false,
        Sampling = new SamplingSettings { MaxNewTokens = 16, Seed = 1 },
    };

    private static IHost Build(IModelRunnerFactory factory, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? before = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var values = new Dictionary<string, string?> { ["Engine:MaxNumSeqs"] = "4", ["Engine:KvCacheBlocks"] = "64" };
        foreach (var (k, v) in settings ?? []) values[k] = v;
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName);
        before?.Invoke(builder.Services);
        builder.Services.AddInternS1Engine(builder.Configuration, _ => factory);
        return builder.Build();
    }

    [Fact]
    public async Task A_job_that_arrives_while_the_model_loads_waits_for_it_and_then_runs_on_the_composed_engine()
    {
        var runner = new InstantRunner(Answer, Eos);
        var factory = new GatedFactory(TinyPromptFolder.Directory, runner);
        var host = Build(factory);
        var starting = host.StartAsync();
        var run = host.Services.GetRequiredService<IPromptJobExecutor>().ExecuteAsync(Job("early"), CancellationToken.None);

        Assert.False(run.IsCompleted);
        Assert.Equal(0, factory.Loads);

        factory.Gate.SetResult();
        await starting;
        var outcome = Assert.IsType<JobOutcome.Completed>(await run);
        Assert.Equal(1, factory.Loads);
        Assert.Equal("Hello world", outcome.Completion.Content);
        Assert.Equal("stop", outcome.Completion.FinishReason);
        Assert.Equal("instant-runner", outcome.Completion.Model);
        Assert.Equal(Answer.Count + 1, outcome.Completion.Usage.CompletionTokens); // the answer and the eos
        Assert.Equal(Assert.Single(runner.PromptLengths), outcome.Completion.Usage.PromptTokens);

        await host.StopAsync();
        Assert.False(runner.Disposed);
        host.Dispose();
        Assert.True(runner.Disposed, "the container owns the runner and frees it with the host");
    }

    [Fact]
    public async Task The_engine_metrics_are_created_on_the_hosts_meter_factory()
    {
        var runner = new InstantRunner(Answer, Eos);
        using var host = Build(new GatedFactory(TinyPromptFolder.Directory, runner, open: true));
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Meter.Name == "InternS1.Batch") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => values[i.Name] = values.GetValueOrDefault(i.Name) + v);
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => values[i.Name] = v);
        listener.Start();

        await host.StartAsync();
        await host.Services.GetRequiredService<IPromptJobExecutor>().ExecuteAsync(Job("m"), CancellationToken.None);
        listener.RecordObservableInstruments();
        await host.StopAsync();

        Assert.Equal(64, values["interns1.engine.kv_blocks.total"]);
        Assert.Equal(0, values["interns1.engine.running"]);
        Assert.Equal(Answer.Count + 1, values["interns1.engine.steps"]); // one prefill step that samples, then one step per token
    }

    [Fact]
    public async Task The_engine_starts_before_every_other_hosted_service_and_stops_after_them()
    {
        var runner = new InstantRunner(Answer, Eos);
        using var host = Build(new GatedFactory(TinyPromptFolder.Directory, runner, open: true),
            before: s => s.AddHostedService<Probe>());
        var probe = host.Services.GetServices<IHostedService>().OfType<Probe>().Single();

        await host.StartAsync();
        await host.StopAsync();

        Assert.IsType<LocalEngineHost>(host.Services.GetServices<IHostedService>().First());
        Assert.True(probe.EngineReadyAtStart, "the model was loaded before the other hosted services started");
        Assert.False(probe.EngineDrainingAtStop, "the engine drains only after the other hosted services stopped");
    }

    [Fact]
    public async Task Stopping_aborts_a_request_still_running_after_the_drain_timeout_and_hands_its_job_back()
    {
        using var gate = new SemaphoreSlim(0);
        var runner = new InstantRunner(Answer, Eos) { StepGate = gate };
        using var host = Build(new GatedFactory(TinyPromptFolder.Directory, runner, open: true),
            new Dictionary<string, string?> { ["Engine:DrainTimeout"] = "00:00:00" });
        await host.StartAsync();
        var run = host.Services.GetRequiredService<IPromptJobExecutor>().ExecuteAsync(Job("long"), CancellationToken.None);
        runner.InStep.Wait();

        var stopping = host.StopAsync();
        var loop = host.Services.GetRequiredService<EngineLoop>();
        await TestServices.WaitUntilAsync(() => Task.FromResult(loop.IsDraining), TimeSpan.FromSeconds(30), () => Task.FromResult("not draining"));
        gate.Release(100);
        await stopping;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task By_default_the_worker_warms_up_job_preparation_before_it_reports_ready_and_sends_nothing_to_the_engine()
    {
        var runner = new InstantRunner(Answer, Eos);
        using var host = Build(new GatedFactory(TinyPromptFolder.Directory, runner, open: true));
        var engine = host.Services.GetRequiredService<LocalEngineHost>();

        await host.StartAsync();
        var warmedUpBeforeReady = engine.WarmUpTime is not null && engine.Ready.IsCompletedSuccessfully;
        await host.StopAsync();

        Assert.True(warmedUpBeforeReady, "the sample job was prepared while the host started");
        Assert.Empty(runner.PromptLengths);
        Assert.Equal(0, host.Services.GetRequiredService<EngineLoop>().Core.NumSteps);
    }

    [Fact]
    public async Task With_Engine_WarmUp_false_nothing_is_prepared_at_start()
    {
        using var host = Build(new GatedFactory(TinyPromptFolder.Directory, new InstantRunner(Answer, Eos), open: true),
            new Dictionary<string, string?> { ["Engine:WarmUp"] = "false" });

        await host.StartAsync();
        var warmUp = host.Services.GetRequiredService<LocalEngineHost>().WarmUpTime;
        await host.StopAsync();

        Assert.Null(warmUp);
    }

    [Theory]
    [InlineData(null, null, 7, 7)]
    [InlineData("3", "20", 3, 20)]
    public void Back_pressure_is_max_num_seqs_plus_the_waiting_margin_unless_set(string? limit, string? prefetch, int expectedLimit, int expectedPrefetch)
    {
        using var host = Build(new GatedFactory(TinyPromptFolder.Directory, new InstantRunner(Answer, Eos), open: true), new Dictionary<string, string?>
        {
            ["Engine:MaxNumSeqs"] = "5",
            ["Engine:WaitingMargin"] = "2",
            ["Worker:ConcurrentMessageLimit"] = limit,
            ["Worker:PrefetchCount"] = prefetch,
        });
        var worker = host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        Assert.Equal((expectedLimit, expectedPrefetch), (worker.ConcurrentMessageLimit, worker.PrefetchCount));
    }

    private sealed class GatedFactory(string directory, IModelRunner runner, bool open = false) : IModelRunnerFactory
    {
        private int _loads;

        public TaskCompletionSource Gate { get; } = NewGate(open);

        public int Loads => _loads;

        public async Task<string> ResolveModelDirectoryAsync(CancellationToken cancellationToken)
        {
            await Gate.Task.WaitAsync(cancellationToken);
            return directory;
        }

        public IModelRunner Load(string modelDirectory)
        {
            Assert.Equal(directory, modelDirectory);
            Interlocked.Increment(ref _loads);
            return runner;
        }

        private static TaskCompletionSource NewGate(bool open)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (open) gate.SetResult();
            return gate;
        }
    }

    private sealed class Probe(IServiceProvider services) : IHostedService
    {
        public bool EngineReadyAtStart { get; private set; }
        public bool EngineDrainingAtStop { get; private set; } = true;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            EngineReadyAtStart = services.GetRequiredService<LocalEngineHost>().Ready.IsCompletedSuccessfully;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            EngineDrainingAtStop = services.GetRequiredService<EngineLoop>().IsDraining;
            return Task.CompletedTask;
        }
    }
}
