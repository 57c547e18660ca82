using InternS1.Batch.Contracts.Jobs;

namespace InternS1.Batch.Worker.Execution;

/// <summary>
/// Runs one validated job to its outcome: prepares it (chat template, media, token ids), generates
/// through the engine, parses the output. Accepts many concurrent calls and completes each one
/// independently. Bad input is returned as <see cref="JobOutcome.Rejected"/> (a value, never an
/// exception); infrastructure faults throw <see cref="TransientJobException"/> (retried);
/// cancellation (shutdown) throws <see cref="OperationCanceledException"/> and the message is handed back.
/// </summary>
public interface IPromptJobExecutor
{
    Task<JobOutcome> ExecuteAsync(SubmitPromptJob job, CancellationToken cancellationToken);
}
