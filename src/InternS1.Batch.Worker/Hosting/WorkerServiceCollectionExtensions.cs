using InternS1.Batch.Storage;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Worker.Cancellation;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.ErrorQueue;
using InternS1.Batch.Worker.Health;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Telemetry;
using InternS1.Batch.Worker.Validation;
using InternS1.Engine.Core;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>Composes the worker.</summary>
public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// Adds everything the worker runs except the <see cref="Execution.IPromptJobExecutor"/>, which the
    /// composition root registers (the real one: <see cref="EngineServiceCollectionExtensions.AddInternS1Engine"/>;
    /// tests: a test double).
    /// Without one the host refuses to start (<see cref="WorkerCompositionException"/>).
    /// Adds: options (<c>Worker</c>, <c>Validation</c>, <c>Storage</c>; validated on start), storage
    /// (data source, DbContext factory, <see cref="Storage.Ledger.JobLedger"/>, <see cref="ResultWriter"/>),
    /// MassTransit on RabbitMQ (<c>ConnectionStrings:RabbitMq</c>) with <see cref="SubmitPromptJobConsumer"/> and
    /// <see cref="CancelJobsConsumer"/> (this process's own queue on the cancel broadcast), the
    /// <see cref="IntakeGate"/> that pauses its endpoint while a source holds it closed (with its readiness check; the
    /// <see cref="DatabaseIntakeSource"/> and its <see cref="DatabaseIntakeMonitor"/> close it while PostgreSQL is unreachable),
    /// the error-queue recorder, health checks and endpoint, metrics (meter <c>InternS1.Batch</c>, the worker's and
    /// the engine's instruments; Prometheus endpoint on <c>Worker:MetricsHost</c>:<c>Worker:MetricsPort</c> when the
    /// port is set; both HTTP endpoints listen on loopback unless their host is set), shutdown timeouts derived from <c>Worker:ShutdownTimeout</c>,
    /// and the host lifetime (<see cref="WorkerLifetime"/>: stop signals, held while the bus starts, and a watchdog).
    /// Before anything starts, the credentials of both connection strings are checked once
    /// (<see cref="StartupConnectionCheck"/>: a refusal stops the worker with a <see cref="WorkerStartupException"/>).
    /// Hosted services start in this order and stop in reverse: executor check, migrations, result writer,
    /// error-queue recorder, health endpoint, bus start watch, bus — so on shutdown the bus stops taking messages and drains
    /// first, and the writer commits the last results after it.
    /// </summary>
    public static IServiceCollection AddInternS1Worker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JobValidationOptions>().BindConfiguration(JobValidationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<WorkerMetrics>();
        services.TryAddSingleton<SubmitPromptJobValidator>();
        services.TryAddSingleton<StructuredResultValidator>();
        services.TryAddSingleton<InFlightJobs>();
        services.TryAddSingleton<IntakeGate>();
        services.TryAddSingleton<IntakeGateEndpointControl>();
        services.TryAddSingleton<DatabaseIntakeSource>();
        services.TryAddSingleton<FaultAttribution>();
        services.TryAddSingleton<CrashIsolation>();
        services.TryAddSingleton<RunningJobCancellations>();
        services.TryAddSingleton(_ => RabbitMqAddress.FromConfiguration(configuration));
        services.TryAddSingleton<BusStartWatch>();
        services.Replace(ServiceDescriptor.Singleton<IHostLifetime, WorkerLifetime>());
        services.TryAddSingleton(sp =>
        {
            var writer = ActivatorUtilities.CreateInstance<ResultWriter>(sp);
            writer.GroupCommitted += sp.GetRequiredService<WorkerMetrics>().GroupCommitted;
            var database = sp.GetRequiredService<DatabaseIntakeSource>();
            writer.WriteFailed += ex => database.Report(ex);
            return writer;
        });
        services.AddInternS1Storage(configuration);

        services.AddHostedService<StartupConnectionCheck>();
        services.AddHostedService<ExecutorPresenceCheck>();
        services.AddHostedService<MigrateOnStart>();
        services.AddHostedService(sp => sp.GetRequiredService<ResultWriter>());
        services.AddHostedService<DatabaseIntakeMonitor>();
        if (configuration.GetValue($"{WorkerOptions.SectionName}:{nameof(WorkerOptions.RecordErrorQueues)}", true))
            services.AddHostedService<ErrorQueueRecorder>();
        services.AddHostedService<HealthEndpoint>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("postgres", tags: ["ready"])
            .AddCheck<IntakeGateHealthCheck>(IntakeGateHealthCheck.Name, tags: ["ready"]);

        // NOTE: right before the bus's own hosted service, so a stop signal during the bus start is held (WorkerLifetime).
        services.AddHostedService(sp => sp.GetRequiredService<BusStartWatch>());
        services.AddBusObserver(sp => sp.GetRequiredService<BusStartWatch>());
        services.AddMassTransit(x =>
        {
            x.AddConsumer<SubmitPromptJobConsumer, SubmitPromptJobConsumerDefinition>();
            x.AddConsumer<CancelJobsConsumer, CancelJobsConsumerDefinition>();
            x.UsingRabbitMq((context, cfg) =>
            {
                var rabbit = context.GetRequiredService<RabbitMqAddress>();
                cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, h =>
                {
                    h.Username(rabbit.Username);
                    h.Password(rabbit.Password);
                    if (rabbit.UseTls)
                        h.UseSsl(s => s.ServerName = rabbit.Host);
                });
                // Plain AMQP producers may send the job JSON itself (content type application/json or none);
                // MassTransit envelopes (interns1 submit) keep their own content type and deserializer.
                cfg.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
                cfg.ConfigureEndpoints(context);
            });
        });
        services.AddOptions<MassTransitHostOptions>().Configure<IOptions<WorkerOptions>>((mt, worker) =>
        {
            mt.WaitUntilStarted = true;
            mt.StartTimeout = TimeSpan.FromSeconds(60);
            mt.ConsumerStopTimeout = worker.Value.ShutdownTimeout;
            mt.StopTimeout = worker.Value.ShutdownTimeout + TimeSpan.FromSeconds(10);
        });
        services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) =>
            host.ShutdownTimeout = worker.Value.ShutdownTimeout + TimeSpan.FromSeconds(20));

        var (metricsHost, metricsPort) = PrometheusEndpoint.Address(configuration);
        if (metricsPort > 0)
        {
            services.AddOpenTelemetry().WithMetrics(m => m
                .AddMeter(WorkerMetrics.MeterName, EngineMetrics.MeterName)
                .AddPrometheusHttpListener(o => PrometheusEndpoint.Configure(o, metricsHost, metricsPort)));
        }
        return services;
    }
}
