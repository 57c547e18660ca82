using System.Runtime.CompilerServices;
using InternS1.Batch.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace InternS1.Batch.Storage.Export;

/// <summary>Streams the finished jobs of a dataset in submission order, with their result or open dead letter.</summary>
public sealed class ExportReader(IDbContextFactory<InternS1DbContext> contexts)
{
    /// <summary>Every job of <paramref name="dataset"/> that has ended (neither queued nor running), oldest first.</summary>
    public async IAsyncEnumerable<ExportRow> ReadAsync(string dataset, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct).ConfigureAwait(false);
        var rows =
            from j in db.Jobs.AsNoTracking()
            where j.Dataset == dataset && j.Status != JobStatus.Queued && j.Status != JobStatus.Running
            join d in db.DeadLetters.Where(d => d.RequeuedAt == null) on j.Id equals d.JobId into open
            from d in open.DefaultIfEmpty()
            orderby j.CreatedAt, j.CustomId
            select new ExportRow
            {
                JobId = j.Id,
                CustomId = j.CustomId,
                Status = j.Status,
                Content = j.Result!.Content,
                ReasoningContent = j.Result.ReasoningContent,
                ToolCallsJson = j.Result.ToolCalls,
                FinishReason = j.Result.FinishReason,
                Model = j.Result.Model,
                Seed = (long?)j.Result.Seed ?? 0,
                CompletedAt = (DateTime?)j.Result.CreatedAt,
                StructuredValid = j.Result.StructuredValid,
                StructuredError = j.Result.StructuredError,
                PromptTokens = (int?)j.TokenUsage!.PromptTokens ?? 0,
                ImageTokens = (int?)j.TokenUsage.ImageTokens ?? 0,
                VideoTokens = (int?)j.TokenUsage.VideoTokens ?? 0,
                CachedTokens = j.TokenUsage.CachedTokens,
                CompletionTokens = (int?)j.TokenUsage.CompletionTokens ?? 0,
                ReasoningTokens = j.TokenUsage.ReasoningTokens,
                ReasonCode = d == null ? null : d.ReasonCode,
                ErrorMessage = d == null ? null : d.Message,
                // The cancel that ended the job: the latest one of its dataset or id recorded before it ended.
                CancelledBy = j.Status != JobStatus.Cancelled ? null : db.Cancellations
                    .Where(c => (c.Dataset == j.Dataset || c.JobId == j.Id) && c.RequestedAt <= j.FinishedAt)
                    .OrderByDescending(c => c.RequestedAt).ThenByDescending(c => c.Id).Select(c => c.RequestedBy).FirstOrDefault(),
                CancelledAt = j.Status != JobStatus.Cancelled ? null : db.Cancellations
                    .Where(c => (c.Dataset == j.Dataset || c.JobId == j.Id) && c.RequestedAt <= j.FinishedAt)
                    .OrderByDescending(c => c.RequestedAt).ThenByDescending(c => c.Id).Select(c => (DateTime?)c.RequestedAt).FirstOrDefault(),
            };
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct).ConfigureAwait(false))
            yield return row;
    }

    /// <summary>Jobs of the dataset that have not ended yet.</summary>
    public async Task<long> CountPendingAsync(string dataset, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.Jobs.LongCountAsync(j => j.Dataset == dataset && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running), ct)
            .ConfigureAwait(false);
    }
}
