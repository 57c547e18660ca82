using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InternS1.Batch.Migrations.Migrations
{
    /// <summary>Dashboard views (<c>Sql/dashboard_views.sql</c>) and the read-only role
    /// <c>interns1_dashboard</c> (<c>Sql/dashboard_role.sql</c>).</summary>
    public partial class DashboardViewsAndRole : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SqlScripts.Read("dashboard_views.sql"));
            migrationBuilder.Sql(SqlScripts.Read("dashboard_role.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SqlScripts.Read("dashboard_drop.sql"));
        }
    }
}
