using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Options;
using MassTransit;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace InternS1.Batch.Worker.Cancellation;

/// <summary>
/// Endpoint of <see cref="CancelJobsConsumer"/>: a temporary (auto-delete, non-durable) queue of this worker
/// process, named <c>{queue}_cancel-{instance}</c> and bound to the durable fanout exchange <c>{queue}_cancel</c>
/// (<see cref="JobQueueTopology.CancelExchange"/>), so every worker on the job queue receives every broadcast and
/// nothing piles up when workers go. Not bound to MassTransit's message-type exchange (workers of other queues
/// ignore each other's cancels). A message that faults or has another type is discarded: a cancel is a signal,
/// the database holds the truth.
/// </summary>
public sealed class CancelJobsConsumerDefinition : ConsumerDefinition<CancelJobsConsumer>
{
    private readonly string _exchange;

    public CancelJobsConsumerDefinition(IOptions<WorkerOptions> options)
    {
        _exchange = JobQueueTopology.CancelExchange(options.Value.QueueName);
        var name = $"{_exchange}-{Guid.NewGuid():N}";
        Endpoint(e =>
        {
            e.Name = name;
            e.Temporary = true;
            e.ConfigureConsumeTopology = false;
            e.PrefetchCount = 16;
        });
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CancelJobsConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.DiscardFaultedMessages();
        endpointConfigurator.DiscardSkippedMessages();
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.Bind(_exchange, b =>
            {
                b.ExchangeType = ExchangeType.Fanout;
                b.Durable = true;
                b.AutoDelete = false;
            });
        }
    }
}
