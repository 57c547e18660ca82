using InternS1.Batch.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InternS1.Batch.Storage.Configurations;

/// <summary>Maps <see cref="TokenUsage"/> to <c>token_usage</c> (one row per succeeded job).</summary>
public sealed class TokenUsageConfiguration : IEntityTypeConfiguration<TokenUsage>
{
    public void Configure(EntityTypeBuilder<TokenUsage> builder)
    {
        builder.ToTable("token_usage", t =>
        {
            t.HasCheckConstraint("ck_token_usage_media_within_prompt", "image_tokens + video_tokens <= prompt_tokens");
            t.HasCheckConstraint("ck_token_usage_cached_within_prompt", "cached_tokens <= prompt_tokens");
            t.HasCheckConstraint("ck_token_usage_reasoning_within_completion", "reasoning_tokens <= completion_tokens");
        });
        builder.HasKey(u => u.JobId);
        builder.Property(u => u.CreatedAt).HasDefaultValueSql("now()");
    }
}
