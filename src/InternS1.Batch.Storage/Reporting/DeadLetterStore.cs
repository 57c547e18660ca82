using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Batch.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace InternS1.Batch.Storage.Reporting;

/// <summary>Lists open dead letters and requeues them (the loop back from <c>dead_letters</c> to the queue).</summary>
public sealed class DeadLetterStore(IDbContextFactory<InternS1DbContext> contexts)
{
    /// <summary>Open dead letters (not requeued), oldest first, optionally of one dataset and/or reason.</summary>
    public async Task<IReadOnlyList<DeadLetterRow>> ListAsync(string? dataset, string? reason, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct).ConfigureAwait(false);
        var open = db.DeadLetters.AsNoTracking().Where(d => d.RequeuedAt == null);
        if (dataset is not null)
            open = open.Where(d => d.Dataset == dataset);
        if (reason is not null)
            open = open.Where(d => d.ReasonCode == reason);
        return await open.OrderBy(d => d.Id)
            .Select(d => new DeadLetterRow
            {
                Id = d.Id, JobId = d.JobId, Dataset = d.Dataset, CustomId = d.CustomId, ReasonCode = d.ReasonCode, Message = d.Message,
                Attempts = d.Attempts, Source = d.Source, CreatedAt = d.CreatedAt, Payload = d.Payload,
            })
            .ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Requeues the open dead letters that hold a job (a JSON object with a <c>job_id</c>): marks the dead
    /// letter requeued and the job <c>queued</c> in one transaction, then publishes the job with
    /// <paramref name="publish"/> (job id, job JSON). If the publish fails, the marks are undone (the job gets
    /// its terminal status back) and the exception propagates. Returns (requeued, skipped with the reason).
    /// </summary>
    public async Task<(int Requeued, IReadOnlyList<string> Skipped)> RequeueAsync(string? dataset, string? reason,
        Func<string, string, CancellationToken, Task> publish, CancellationToken ct)
    {
        var rows = await ListAsync(dataset, reason, ct).ConfigureAwait(false);
        var skipped = new List<string>();
        var requeued = 0;
        foreach (var row in rows)
        {
            if (JsonNode.Parse(row.Payload) is not JsonObject job || job["job_id"]?.GetValueKind() != JsonValueKind.String
                || row.JobId.StartsWith("message:", StringComparison.Ordinal))
            {
                skipped.Add($"{row.JobId}: the message could not be read as a job, so it cannot be requeued");
                continue;
            }
            await MarkRequeuedAsync(row, ct).ConfigureAwait(false);
            try
            {
                await publish(row.JobId, job.ToJsonString(), ct).ConfigureAwait(false);
                requeued++;
            }
            catch
            {
                await UndoAsync(row, ct).ConfigureAwait(false);
                throw;
            }
        }
        return (requeued, skipped);
    }

    /// <summary>The dead letter requeued now, the job <c>queued</c> again (unless it succeeded meanwhile).</summary>
    private async Task MarkRequeuedAsync(DeadLetterRow row, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct).ConfigureAwait(false);
        await using var tx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        // NOTE: DateTime.UtcNow inside the setter expression is translated to the server's now().
        await db.DeadLetters.Where(d => d.Id == row.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.RequeuedAt, d => (DateTime?)DateTime.UtcNow), ct).ConfigureAwait(false);
        await db.Jobs.Where(j => j.Id == row.JobId && j.Status != JobStatus.Succeeded)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Queued).SetProperty(j => j.FinishedAt, (DateTime?)null), ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reverts <see cref="MarkRequeuedAsync"/>: the dead letter open again, a still-queued job back to the
    /// terminal status of its reason.</summary>
    private async Task UndoAsync(DeadLetterRow row, CancellationToken ct)
    {
        var status = FailureStatus.For(row.ReasonCode);
        await using var db = await contexts.CreateDbContextAsync(ct).ConfigureAwait(false);
        await using var tx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        await db.DeadLetters.Where(d => d.Id == row.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.RequeuedAt, (DateTime?)null), ct).ConfigureAwait(false);
        await db.Jobs.Where(j => j.Id == row.JobId && j.Status == JobStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, status).SetProperty(j => j.FinishedAt, j => (DateTime?)DateTime.UtcNow), ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }
}
