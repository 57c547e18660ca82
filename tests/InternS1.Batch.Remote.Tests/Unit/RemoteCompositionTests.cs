using InternS1.Batch.Remote.Execution;
using InternS1.Batch.Remote.Hosting;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Remote.Tests.Unit;

/// <summary><c>Engine:Mode</c> and the remote composition: the executor, no local engine, the back-pressure defaults.</summary>
public class RemoteCompositionTests
{
    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData(null, EngineMode.Local)]
    [InlineData("", EngineMode.Local)]
    [InlineData("local", EngineMode.Local)]
    [InlineData("Remote", EngineMode.Remote)]
    [InlineData(" remote ", EngineMode.Remote)]
    public void Engine_mode_is_local_unless_remote_is_configured(string? value, EngineMode expected)
        => Assert.Equal(expected, EngineModes.Read(Configuration(("Engine:Mode", value))));

    [Fact]
    public void An_unknown_engine_mode_is_refused_naming_the_key_and_the_choices()
    {
        var e = Assert.Throws<WorkerCompositionException>(() => EngineModes.Read(Configuration(("Engine:Mode", "gpu"))));
        Assert.Equal("Engine:Mode: 'gpu' is not an engine mode; use local (the in-process engine, the default) or remote (OpenAI-compatible servers on Remote:Endpoints).", e.Message);
    }

    private static IHost Build(params (string Key, string? Value)[] values) => Build(true, values);

    private static IHost Build(bool endpoints, params (string Key, string? Value)[] values)
    {
        var builder = InternS1Host.CreateApplicationBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestServices.Postgres,
            ["ConnectionStrings:RabbitMq"] = TestServices.RabbitMqUri,
            ["Remote:MaxConcurrency"] = "32",
        });
        if (endpoints)
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Remote:Endpoints:0"] = "http://gpu-1:23333/v1",
                ["Remote:Endpoints:1"] = "http://gpu-2:23333/v1",
            });
        builder.Configuration.AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));
        builder.Services.AddInternS1RemoteEngine(builder.Configuration);
        builder.Services.AddInternS1Worker(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public void The_remote_engine_is_the_executor_no_model_runner_is_registered_and_its_host_starts_first()
    {
        using var host = Build();
        Assert.IsType<RemoteJobExecutor>(host.Services.GetRequiredService<IPromptJobExecutor>());
        Assert.Null(host.Services.GetService<IModelRunnerFactory>());
        Assert.Equal("RemoteEngineHost", host.Services.GetServices<IHostedService>().First().GetType().Name);
    }

    [Fact]
    public void Without_worker_settings_the_consumer_holds_what_every_endpoint_could_take_plus_the_margin()
    {
        using var host = Build();
        var worker = host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        Assert.Equal((32 * 2 + 16, 32 * 2 + 16), (worker.ConcurrentMessageLimit, worker.PrefetchCount));

        using var margin = Build(("Remote:WaitingMargin", "4"), ("Worker:PrefetchCount", "100"));
        var configured = margin.Services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        Assert.Equal((32 * 2 + 4, 100), (configured.ConcurrentMessageLimit, configured.PrefetchCount));
        Assert.Equal(4, margin.Services.GetRequiredService<RemoteAdmission>().Limit - 1);
    }

    [Fact]
    public async Task A_remote_engine_without_endpoints_refuses_to_start_naming_the_setting()
    {
        // The host refuses while it is built (the worker's options depend on the endpoints) or, at the latest, started.
        var e = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            using var host = Build(endpoints: false);
            await host.StartAsync();
        });
        Assert.Contains("Remote:Endpoints: at least one server base URL is required", e.Message);
    }
}
