using InternS1.Batch.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InternS1.Batch.Storage.Configurations;

/// <summary>Maps <see cref="TokenUsage"/> to <c>token_usage</c> (one row per succeeded job). The media check
/// holds for the local engine's rows only: on a remote row the prompt count is the server's while the media
/// counts are our own preprocessing's, and the two need not agree.</summary>
public sealed class TokenUsageConfiguration : IEntityTypeConfiguration<TokenUsage>
{
    public void Configure(EntityTypeBuilder<TokenUsage> builder)
    {
        builder.ToTable("token_usage", t =>
        {
            t.HasCheckConstraint("ck_token_usage_media_within_prompt", "reported_fields IS NOT NULL OR image_tokens + video_tokens <= prompt_tokens");
            t.HasCheckConstraint("ck_token_usage_cached_within_prompt", "cached_tokens <= prompt_tokens");
            t.HasCheckConstraint("ck_token_usage_reasoning_within_completion", "reasoning_tokens <= completion_tokens");
        });
        builder.HasKey(u => u.JobId);
        builder.Property(u => u.ReportedFields).HasColumnType("text[]");
        builder.Property(u => u.CreatedAt).HasDefaultValueSql("now()");
    }
}
