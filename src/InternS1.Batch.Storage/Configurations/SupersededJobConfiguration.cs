using InternS1.Batch.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InternS1.Batch.Storage.Configurations;

/// <summary>Maps <see cref="SupersededJob"/> to <c>superseded_jobs</c>, looked up by (job id, old hash) when a copy of
/// a superseded message is still delivered.</summary>
public sealed class SupersededJobConfiguration : IEntityTypeConfiguration<SupersededJob>
{
    public void Configure(EntityTypeBuilder<SupersededJob> builder)
    {
        builder.ToTable("superseded_jobs");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).UseIdentityAlwaysColumn();
        builder.Property(s => s.JobId).HasMaxLength(Limits.JobIdLength);
        builder.Property(s => s.Dataset).HasMaxLength(Limits.DatasetNameLength);
        builder.Property(s => s.CustomId).HasMaxLength(Limits.CustomIdLength);
        builder.Property(s => s.Status).HasMaxLength(16);
        builder.Property(s => s.Payload).HasColumnType("jsonb");
        builder.Property(s => s.PayloadHash).HasMaxLength(Limits.PayloadHashLength);
        builder.Property(s => s.Result).HasColumnType("jsonb");
        builder.Property(s => s.DeadLetter).HasColumnType("jsonb");
        builder.Property(s => s.SupersededAt).HasDefaultValueSql("now()");
        builder.Property(s => s.SupersededBy).HasMaxLength(Limits.PayloadHashLength);
        builder.HasIndex(s => new { s.JobId, s.PayloadHash }).HasDatabaseName("ix_superseded_jobs_job_id_payload_hash");
    }
}
