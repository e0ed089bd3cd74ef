using Chat.Server;
using Chat.Server.Abuse;
using Chat.Server.Accounts;
using Chat.Server.ContactForms;
using Chat.Server.Conversations;
using Chat.Server.Mailbox;
using Chat.Server.Operations;
using Chat.Server.Replies;
using Chat.Server.Triage;
using Chat.Server.Roster;
using Chat.Server.Statistics;
using Chat.Server.Storage;
using Chat.Server.Tenancy;
using Chat.Server.Wellbeing;
using Chat.Server.Widget;

var builder = WebApplication.CreateBuilder(ContentRoot.Options(args)); // the app's own folder, wherever it is started from

builder.AddChatLogging();                                    // Serilog to the console (text or compact JSON), through the privacy sink (Abuse/LogHygiene)
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddProblemDetails();
builder.Services.AddRecords(builder.Configuration);          // records database (SQLite or PostgreSQL): accounts, forms, roster, counters
builder.Services.AddProjects();                              // several projects on one installation: records scoped per caller (first save interceptor)
builder.Services.AddAccounts(builder.Configuration, builder.Environment); // Identity, roles, cookie sign-in, two-factor
builder.Services.AddConversations(builder.Configuration);     // hubs, queue and routing, live store (in process or Redis)
builder.Services.AddContactForms();                          // contactformulier, drafts of forms still to fill
builder.Services.AddRoster();                                // planned shifts, shifts worked
builder.Services.AddStatistics();                            // weekly tables, queue counters, daily contact counts, exports
builder.Services.AddWellbeing();                             // debrief requests, visitors' feedback
builder.Services.AddReplies();                               // canned replies and referral cards
builder.Services.AddTriage();                                // urgent words (a visitor in danger goes first)
builder.Services.AddMailbox();                               // anonymous mailbox (brievenbus): letters by code, encrypted, kept Mailbox:Retention
builder.Services.AddWidget(builder.Environment);             // widget configuration
builder.Services.AddAbuseResistance(builder.Configuration);  // client address (hashed), per-address limits, blocks
builder.Services.AddSecurity();                              // rate limits, headers
builder.Services.AddConsolePages();                          // console pages (Chat.ExpertConsole)
builder.Services.AddOperations(builder.Configuration);       // health checks, meter Chat.Server, Prometheus and OTLP export

var app = builder.Build();

if (!await app.InitialiseAsync()) return 1;                  // refusals first (one log line, nothing written); schema, roles, first coordinator, demo accounts

app.UseForwardedHeaders();                                   // real client address and scheme behind trusted proxies only
app.UseRequestLogging();                                     // one line a request: method, path, status, time (no query, address, agent)
app.UseExceptionHandler();
if (!app.Environment.IsDevelopment()) app.UseHsts();        // browsers keep to HTTPS (sent on HTTPS requests, also behind the proxy)
app.UseStatusCodePages();
app.UseClientAddress();                                      // ... kept only as a keyed hash
app.UseMetricsGate();                                        // /metrics for Metrics:AllowedNetworks only
app.UseSecurityHeaders();
app.UseSiteRewrites();                                       // /widget.js, /widget/, /demo
app.UseRouting();
app.UseRateLimiter();
app.UseSharedSignInLimit();                                  // sign-in attempts per address counted for all nodes together (Redis mode)
app.UseHubShutdown();                                        // hub requests counted: a planned stop closes them with a close frame
app.UseHubGate();                                            // hubs: origin check, connections per address
ServerSessions.UseNewSessionKeyOnSignIn(app);                 // a sign-in always gets a new session key (no session fixation)
app.UseAuthentication();
app.UseAuthorization();
app.UseProjectScope();                                       // a signed-in caller's records queries: their projects only
app.UseApiWriteGate();                                       // /api writes: JSON or the antiforgery token, else 415 (the quick exit's beacon aside)
app.UsePasswordChangeRequirement();                          // an administrator's first password is changed first
app.UseTwoFactorRequirement();                               // a coordinator without two-factor sets it up first

app.MapStaticAssets();                                       // widget and console files: compressed, fingerprinted, ETags
app.MapOperations();                                         // /health/live, /health/ready, /metrics
app.MapAuth();
app.MapTwoFactor();
app.MapAccounts();
app.MapProjects();                                           // /api/projects (administrator)
app.MapWidget();
app.MapBlocks();
app.MapConversations();
app.MapContactForms();
app.MapRoster();                                            // planned shifts (coordinator plans, everyone reads)
app.MapStatistics();
app.MapWellbeing();
app.MapReplies();                                            // canned replies and referral cards (coordinator keeps, experts read)
app.MapTriage();                                             // the coordinator's urgent words
app.MapMailbox();                                            // /api/mailbox: visitors by code, experts answer
app.MapRazorPages();

app.Run();
return 0;

public partial class Program;
