using InternS1.Batch.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InternS1.Batch.Storage.Configurations;

/// <summary>Maps <see cref="DeadLetter"/> to <c>dead_letters</c>: at most one open row per job id
/// (a partial unique index, so a requeued job can dead-letter again).</summary>
public sealed class DeadLetterConfiguration : IEntityTypeConfiguration<DeadLetter>
{
    public void Configure(EntityTypeBuilder<DeadLetter> builder)
    {
        builder.ToTable("dead_letters");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).UseIdentityAlwaysColumn();
        builder.Property(d => d.ReasonCode).HasMaxLength(64);
        builder.Property(d => d.Source).HasMaxLength(32);
        builder.Property(d => d.Payload).HasColumnType("jsonb");
        builder.Property(d => d.CreatedAt).HasDefaultValueSql("now()");
        builder.HasIndex(d => d.JobId).HasDatabaseName(Limits.OpenDeadLetterIndexName).IsUnique().HasFilter("requeued_at IS NULL");
        builder.HasIndex(d => new { d.Dataset, d.ReasonCode }).HasDatabaseName("ix_dead_letters_dataset_reason_code");
    }
}
