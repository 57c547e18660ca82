using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InternS1.Batch.Migrations.Migrations
{
    /// <summary>Least-privilege grants (<c>Sql/least_privilege.sql</c>): the worker's group role <c>interns1_app</c>
    /// gets the DML it needs, <c>interns1_dashboard</c> only views without payloads, inline media, result text or
    /// exception text (<c>dashboard_jobs</c>, <c>dashboard_results</c>, <c>dashboard_dead_letters</c> and the
    /// aggregate views), and <c>interns1_payload_reader</c> every table. No model change.</summary>
    public partial class LeastPrivilegeRoles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SqlScripts.Read("least_privilege.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SqlScripts.Read("least_privilege_down.sql"));
        }
    }
}
