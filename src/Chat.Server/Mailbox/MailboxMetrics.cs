using System.Diagnostics.Metrics;
using Chat.Server.Operations;

namespace Chat.Server.Mailbox;

/// <summary><c>chat.mailbox.code_failures</c> (meter <c>Chat.Server</c>): wrong codes, without any tag. A rise is an attack.</summary>
public sealed class MailboxMetrics
{
    private readonly Counter<long> _codeFailures;

    public MailboxMetrics(IMeterFactory meters) =>
        _codeFailures = meters.Create(ChatMetrics.MeterName).CreateCounter<long>("chat.mailbox.code_failures",
            description: "Mailbox codes that matched no thread (unknown, expired or deleted)");

    public void CodeFailed() => _codeFailures.Add(1);
}
