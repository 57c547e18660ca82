using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Options;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Worker.Consumers;

/// <summary>
/// Endpoint of <see cref="SubmitPromptJobConsumer"/>: the durable quorum queue <c>Worker:QueueName</c>,
/// prefetch <c>Worker:PrefetchCount</c>, concurrency <c>Worker:ConcurrentMessageLimit</c>, and an
/// in-memory retry at <c>Worker:RetryIntervals</c> for transient faults only, classified by origin
/// (<see cref="TransientFaults"/>: <see cref="TransientJobException"/>, transient database and broker faults).
/// NOTE: in-memory retry because the broker has no delayed-message plugin: the message stays unacked
/// (holding one prefetch slot) while it waits. When the intervals run out, MassTransit moves the message to
/// the <c>_error</c> queue, which the <see cref="ErrorQueue.ErrorQueueRecorder"/> drains into
/// <c>dead_letters</c> as <c>retries_exhausted</c>. Anything else a consumer throws is not retried.
/// The endpoint is stopped and started by the <see cref="IntakeGate"/> (see <see cref="IntakeGateEndpointControl"/>).
/// </summary>
public sealed class SubmitPromptJobConsumerDefinition : ConsumerDefinition<SubmitPromptJobConsumer>
{
    private readonly WorkerOptions _options;

    public SubmitPromptJobConsumerDefinition(IOptions<WorkerOptions> options)
    {
        _options = options.Value;
        EndpointName = _options.QueueName;
        ConcurrentMessageLimit = _options.ConcurrentMessageLimit;
    }

    /// <summary>True for the exceptions worth retrying (<see cref="TransientFaults.IsTransient"/>).</summary>
    public static bool IsTransient(Exception exception) => TransientFaults.IsTransient(exception);

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SubmitPromptJobConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = _options.PrefetchCount;
        if (context.GetService<IntakeGateEndpointControl>() is { } intake)
            endpointConfigurator.ConnectReceiveEndpointObserver(intake);
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQuorumQueue();
            // Jobs are sent to the queue's own exchange; binding the queue to the message-type exchange
            // would make every queue that ever consumed SubmitPromptJob receive copies of published jobs.
            rabbit.ConfigureConsumeTopology = false;
        }
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Intervals(_options.EffectiveRetryIntervals);
            r.Handle<Exception>(IsTransient);
        });
    }
}
