using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Storage;
using InternS1.Batch.Storage.Entities;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Execution;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace InternS1.Batch.Benchmarks.Pipeline;

/// <summary>The benchmark's baseline: the same bookkeeping and executor as the real consumer, but each job is
/// started on its own (<see cref="JobLedger.BeginAloneAsync"/>: one commit per job) and each result is saved on its
/// own with EF Core (one <c>SaveChanges</c>, one transaction, per job).</summary>
internal sealed class NaiveSaveChangesConsumer(JobLedger ledger, IPromptJobExecutor executor, IDbContextFactory<InternS1DbContext> contexts, NaiveCounter counter)
    : IConsumer<SubmitPromptJob>
{
    public async Task Consume(ConsumeContext<SubmitPromptJob> context)
    {
        var job = context.Message;
        var start = await ledger.BeginAloneAsync(new JobAdmission
        {
            JobId = job.JobId, Dataset = job.Dataset, CustomId = job.CustomId, PayloadJson = JobPayload.Serialize(job),
        }, context.CancellationToken);
        if (start.Kind != JobStartKind.Started)
            return;
        var outcome = (JobOutcome.Completed)await executor.ExecuteAsync(job, context.CancellationToken);
        var c = outcome.Completion;
        await using var db = await contexts.CreateDbContextAsync(context.CancellationToken);
        var now = DateTime.UtcNow;
        db.Results.Add(new JobResult { JobId = job.JobId, Content = c.Content, ToolCalls = "[]", FinishReason = c.FinishReason, Model = c.Model, Seed = c.Seed, CreatedAt = now });
        db.TokenUsage.Add(new TokenUsage { JobId = job.JobId, PromptTokens = c.Usage.PromptTokens, CompletionTokens = c.Usage.CompletionTokens, CreatedAt = now });
        var row = await db.Jobs.SingleAsync(j => j.Id == job.JobId, context.CancellationToken);
        row.Status = JobStatus.Succeeded;
        row.FinishedAt = now;
        await db.SaveChangesAsync(context.CancellationToken);
        counter.Saved();
    }
}

