namespace InternS1.Batch.Worker.ErrorQueue;

/// <summary>How a message from an error queue is recorded.</summary>
public enum FaultVerdictKind
{
    /// <summary>Recorded against the job it names: MassTransit's fault for a delivery this worker began.</summary>
    Attributed,

    /// <summary>Recorded under the message's own key, without dataset or custom_id: it cannot end any job.</summary>
    Unattributed,

    /// <summary>Not recorded: the job it names already ended, and a fault cannot end a job twice.</summary>
    Ignored,
}
