namespace Chat.Server.Storage;

/// <summary>
/// The project every record belongs to. One installation serves one project today; new tables carry a Project column
/// (always <see cref="Default"/> for now) so that several projects need no change of their shape.
/// </summary>
public static class Projects
{
    public const string Default = "default";
}
