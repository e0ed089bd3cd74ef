// Texts of the live workspace, per language. Dutch is the default.
export const texts = {
  nl: {
    console: 'Console',
    repliesPage: 'Antwoorden en verwijzingen',
    repliesButton: 'Antwoorden', repliesButtonHint: 'Kies een standaardantwoord (of typ / aan het begin van het bericht)',
    repliesTitle: 'Standaardantwoorden', repliesNone: 'Geen antwoord gevonden.', repliesEmpty: 'Er zijn nog geen standaardantwoorden.',
    repliesHint: (n) => `${n} ${n === 1 ? 'antwoord' : 'antwoorden'}: kies met de pijltjes, Enter zet de tekst in je bericht, Esc sluit de lijst.`,
    refer: 'Verwijzen', referTitle: 'Verwijzen naar', referIntro: 'De contactzoeker krijgt de gekozen kaart met het telefoonnummer en de website.',
    referNone: 'Er zijn nog geen verwijzingen. De coördinator kan ze toevoegen.', referCancel: 'Annuleren', referralSent: 'verwijzing',
    availability: 'Beschikbaarheid',
    available: 'Beschikbaar', paused: 'Pauze', offline: 'Offline',
    availabilityHelp: 'Beschikbaar: je krijgt chats. Pauze: je lopende gesprekken gaan door, je krijgt geen nieuwe. Offline: je dienst is voorbij.',
    register: 'Contact registreren',
    myForms: 'Mijn registraties',
    signOut: 'Uitloggen', changePassword: 'Wachtwoord wijzigen',
    queue: 'Wachtrij',
    waiting: (n) => n === 0 ? 'Niemand wacht' : n === 1 ? '1 persoon wacht' : `${n} mensen wachten`,
    longest: (s) => `langst: ${duration(s)}`,
    myChats: 'Mijn gesprekken',
    noChats: 'Geen lopende gesprekken.',
    formsToDo: 'Nog in te vullen',
    fillIn: 'Formulier invullen', fillInFor: (who) => `Formulier invullen voor ${who}`, endedAt: (time) => `einde ${time}`,
    noChatSelected: 'Als je beschikbaar bent, verschijnt hier het volgende gesprek.',
    offlineHint: 'Zet jezelf op beschikbaar om chats te krijgen.',
    pausedHint: 'Je staat op pauze: er komen geen nieuwe chats naar je toe. Zet jezelf op beschikbaar als je weer chats wilt krijgen.',
    visitor: 'Contactzoeker',
    about: 'Over zichzelf', preferred: 'Voorkeur', followUp: 'Eerder contact', referral: 'Via', waited: 'Gewacht',
    aboutLabels: { unspecified: 'niet gezegd', // skipped, or 'Zeg ik liever niet': one code for both
      victim: 'voelt zich thuis niet veilig', perpetrator: 'schrikt van eigen gedrag',
      both: 'allebei een beetje', relative: 'zorgen om iemand in de omgeving', professional: 'vraagt het voor het werk', other: 'iets anders' },
    preferredLabels: { any: 'maakt niet uit', victim: 'ervaring als slachtoffer', perpetrator: 'ervaring als pleger' },
    yes: 'ja', no: 'nee', unknown: 'onbekend',
    visitorGone: 'De contactzoeker is (even) niet verbonden.',
    visitorGoneDanger: 'De contactzoeker is even niet verbonden: belt mogelijk 112. Het gesprek blijft een half uur open.',
    urgent: { answer: 'Mogelijk in gevaar: zelf aangegeven', words: 'Mogelijk in gevaar: signaalwoord', waited: 'Lang gewacht' },
    urgentShort: 'gevaar',
    triagePage: 'Signaalwoorden',
    followUpNoteTitle: 'Jouw notitie bij deze code.',
    projectOf: (n) => `Project: ${n}`, fromPartner: (n) => `Via ${n}: de contactzoeker koos ervoor hier verder te gaan.`, projectsPage: 'Projecten',
    followUpNoteCaution: 'Wie deze code heeft, is misschien niet dezelfde persoon: noem niets hieruit voordat de bezoeker het zelf vertelt.',
    dangerWaiting: (n) => n === 1 ? 'Iemand die mogelijk in gevaar is, wacht en niemand is vrij.' : `${n} mensen die mogelijk in gevaar zijn, wachten en niemand is vrij.`,
    takeUrgent: 'Neem dit gesprek nu aan',
    takeUrgentHelp: 'Ook tijdens je pauze of aan het eind van je dienst: jij kiest.',
    takeUrgentGone: 'Een collega heeft dit gesprek al aangenomen.',
    dangerSound: 'Geluid als iemand in gevaar wacht',
    dangerSoundBlocked: 'Klik ergens op deze pagina: pas dan mag de browser geluid geven.',
    dangerTitle: 'In gevaar wacht',
    typing: 'Contactzoeker typt…',
    messagePlaceholder: 'Typ je bericht… (Enter verstuurt, Shift+Enter nieuwe regel)',
    send: 'Verstuur',
    endChat: 'Gesprek beëindigen',
    endConfirm: 'De contactzoeker ziet dat het gesprek is afgelopen.', endTitle: 'Dit gesprek beëindigen?', endYes: 'Ja, beëindigen',
    ended: (by) => by === 'visitor' ? 'De contactzoeker heeft het gesprek beëindigd.' : by === 'expert' ? 'Je hebt het gesprek beëindigd.'
      : by === 'transferred' ? 'Je hebt het gesprek overgedragen; een collega neemt het over en vult het formulier in.'
      : by === 'blocked' ? 'Je hebt het gesprek beëindigd en geblokkeerd. Er hoeft geen contactformulier bij.' : 'Het gesprek is beëindigd.',
    transfer: 'Overdragen',
    transferConfirm: 'De contactzoeker komt vooraan in de wachtrij, met het gesprek tot nu toe. Een collega neemt het over.', transferTitle: 'Dit gesprek overdragen aan een collega?', transferYes: 'Ja, overdragen',
    newChat: 'Nieuwe chat',
    newMessageTitle: 'Nieuw bericht',
    newMessageIn: (chat) => `Nieuw bericht in een ander gesprek: ${chat}.`,
    unread: (n) => n === 1 ? '1 nieuw bericht' : `${n} nieuwe berichten`,
    openChat: 'Open gesprek',
    menu: 'Menu',
    withinHour: (day, from, to) => `${day}, tussen ${from} en ${to}`,
    me: 'Jij', them: 'Contactzoeker', system: 'Systeem', colleague: 'Vorige ervaringsdeskundige',
    notSent: 'nog niet verstuurd',
    reconnecting: 'Verbinding herstellen…',
    formTitleChat: 'Contactformulier na de chat',
    formTitleOther: 'Contact registreren',
    formIntro: 'Dit formulier beschrijft het contact, niet de persoon. Vul geen namen of herleidbare gegevens in.',
    when: 'Wanneer', date: 'Datum', hour: 'Tijd (begin)', durationMinutes: 'Duur in minuten',
    referralOther: 'Anders, namelijk (geen namen of herleidbare gegevens)',
    save: 'Opslaan', cancel: 'Later invullen', close: 'Sluiten',
    saved: 'Contactformulier opgeslagen.',
    formWaiting: 'Een gesprek is beëindigd. Het contactformulier staat klaar onder "Nog in te vullen" voor als je tijd hebt.',
    fixErrors: 'Controleer de gemarkeerde velden.',
    saveFailed: 'Opslaan lukte niet. Probeer het opnieuw.',
    formsTitle: 'Mijn registraties (laatste 30 dagen)',
    noForms: 'Nog geen registraties.',
    statistics: 'Statistieken',
    mailboxPage: 'Brievenbus',
    accounts: 'Accounts',
    blocks: 'Blokkades',
    roster: 'Rooster',
    twoFactor: 'Tweestapsverificatie',
    block: 'Blokkeren',
    blockTitle: 'Contactzoeker blokkeren',
    blockReason: 'Waarom blokkeer je?',
    blockReasons: { abusive: 'Grof of beledigend', threatening: 'Bedreigend', prank: 'Nepgesprek of grap', other: 'Anders' },
    blockExplain: (hours) => `Het gesprek wordt beëindigd en dit adres kan ${hours < 48 ? `${hours} uur` : `${Math.round(hours / 24)} dagen`} geen nieuw gesprek starten. Je hoeft geen contactformulier in te vullen.`,
    blockConfirm: 'Blokkeren en beëindigen',
    blockCancel: 'Annuleren',
    blockChooseReason: 'Kies een reden.',
    blocked: (until) => `Geblokkeerd tot ${until}.`,
    myFigures: (m) => `${m.contacts} ${m.contacts === 1 ? 'contact' : 'contacten'}, ${Math.round((m.chatMinutes + m.otherContactMinutes) / 6) / 10} uur in gesprek, ${m.shiftHours} uur dienst.`,
    col: { when: 'Wanneer', type: 'Soort', seeker: 'Contactzoeker', minutes: 'Minuten', conversation: 'Gesprek' },
    // Wellbeing: the pause after a chat, "dit gesprek was zwaar", and why a waiting visitor is not yours.
    coolDownTitle: 'Even op adem komen',
    coolDown: (until) => `Even op adem komen — je krijgt tot ${until} geen nieuw gesprek.`,
    coolDownReady: 'Ik ben er klaar voor',
    preferredGender: 'Liefst met', genderLabels: { any: 'maakt niet uit', woman: 'een vrouw', man: 'een man' },
    heavy: 'Dit gesprek was zwaar',
    heavyAsked: 'Goed dat je het zegt. De coördinator weet het en neemt contact met je op om erover te praten.',
    heavyFailed: 'Dat lukte niet. Probeer het zo nog eens, of bel de coördinator.',
    notYours: (s, at) => {
      const until = s.until ? at(s.until) : null;
      switch (s.notYours) {
        case 'preference': return `Wacht op ${wishText(s.wish, 'nl')}` + (until ? ` (tot ${until}, daarna iedereen).` : '.');
        case 'transferred': return 'Overgedragen door jou: gaat eerst naar een collega' + (until ? ` (tot ${until}, daarna iedereen).` : '.');
        case 'cool-down': return until ? `Niet naar jou: je komt even op adem, tot ${until}.` : 'Niet naar jou: je komt nog even op adem.';
        case 'shift-ending': return 'Niet naar jou: je dienst eindigt bijna' + (until ? ` (om ${until}).` : '.');
        case 'paused': return 'Niet naar jou: je staat op pauze.';
        case 'offline': return 'Niet naar jou: je staat op offline.';
        case 'not-connected': return 'Niet naar jou: je console is niet verbonden.';
        case 'full': return 'Niet naar jou: je hebt al het maximale aantal gesprekken.';
        default: return null;
      }
    },
    debriefsTitle: 'Na te bespreken',
    debriefsIntro: 'Deze ervaringsdeskundigen vonden een gesprek zwaar. Neem contact met ze op; de inhoud van het gesprek staat hier niet.',
    debriefDone: 'Afgehandeld', debriefDoneLabel: (name, when) => `Afgehandeld: ${name}, ${when}`,
    debriefsNone: 'Niemand heeft gevraagd om na te praten.',
    debriefGone: 'Dit verzoek was al afgehandeld.'
  },
  en: {
    repliesPage: 'Replies and referrals',
    repliesButton: 'Replies', repliesButtonHint: 'Pick a canned reply (or type / at the start of the message)',
    repliesTitle: 'Canned replies', repliesNone: 'No reply found.', repliesEmpty: 'There are no canned replies yet.',
    repliesHint: (n) => `${n} ${n === 1 ? 'reply' : 'replies'}: choose with the arrow keys, Enter puts the text in your message, Esc closes the list.`,
    refer: 'Refer', referTitle: 'Refer to', referIntro: 'The contact seeker gets the chosen card with the phone number and the website.',
    referNone: 'There are no referrals yet. The coordinator can add them.', referCancel: 'Cancel', referralSent: 'referral',
    console: 'Console',
    availability: 'Availability',
    available: 'Available', paused: 'Paused', offline: 'Offline',
    availabilityHelp: 'Available: you get chats. Paused: your ongoing chats continue, no new ones. Offline: your shift is over.',
    register: 'Register a contact',
    myForms: 'My registrations',
    signOut: 'Sign out', changePassword: 'Change password',
    queue: 'Queue',
    waiting: (n) => n === 0 ? 'Nobody waiting' : n === 1 ? '1 person waiting' : `${n} people waiting`,
    longest: (s) => `longest: ${duration(s)}`,
    myChats: 'My conversations',
    noChats: 'No ongoing conversations.',
    formsToDo: 'Forms to fill in',
    fillIn: 'Fill in form', fillInFor: (who) => `Fill in the form for ${who}`, endedAt: (time) => `ended ${time}`,
    noChatSelected: 'When you are available, the next conversation appears here.',
    offlineHint: 'Set yourself to available to receive chats.',
    pausedHint: 'You are paused: no new chats come to you. Set yourself to available when you want chats again.',
    visitor: 'Contact seeker',
    about: 'About themselves', preferred: 'Preference', followUp: 'Contact before', referral: 'Via', waited: 'Waited',
    aboutLabels: { unspecified: 'not said', victim: "doesn't feel safe at home", perpetrator: 'worried by own behaviour',
      both: 'a bit of both', relative: 'worried about someone close', professional: 'asking for work', other: 'something else' },
    preferredLabels: { any: "doesn't mind", victim: 'experience as a victim', perpetrator: 'experience as a perpetrator' },
    yes: 'yes', no: 'no', unknown: 'unknown',
    visitorGone: 'The contact seeker is not connected (for now).',
    visitorGoneDanger: 'The contact seeker is not connected for now: possibly calling 112. The chat stays open for half an hour.',
    urgent: { answer: 'Possibly in danger: said so themselves', words: 'Possibly in danger: urgent word', waited: 'Waited long' },
    urgentShort: 'danger',
    triagePage: 'Urgent words',
    followUpNoteTitle: 'Your note on this code.',
    projectOf: (n) => `Project: ${n}`, fromPartner: (n) => `Via ${n}: the contact seeker chose to continue here.`, projectsPage: 'Projects',
    followUpNoteCaution: 'Whoever has this code may not be the same person: mention nothing from it before the visitor tells you.',
    dangerWaiting: (n) => n === 1 ? 'Someone who may be in danger is waiting and nobody is free.' : `${n} people who may be in danger are waiting and nobody is free.`,
    takeUrgent: 'Take this chat now',
    takeUrgentHelp: 'Also during your pause or at the end of your shift: your choice.',
    takeUrgentGone: 'A colleague has already taken this chat.',
    dangerSound: 'Sound when someone in danger waits',
    dangerSoundBlocked: 'Click anywhere on this page: only then may the browser play sound.',
    dangerTitle: 'In danger, waiting',
    typing: 'Contact seeker is typing…',
    messagePlaceholder: 'Type your message… (Enter sends, Shift+Enter new line)',
    send: 'Send',
    endChat: 'End conversation',
    endConfirm: 'The contact seeker will see that it has ended.', endTitle: 'End this conversation?', endYes: 'Yes, end it',
    ended: (by) => by === 'visitor' ? 'The contact seeker ended the conversation.' : by === 'expert' ? 'You ended the conversation.'
      : by === 'transferred' ? 'You passed the conversation on; a colleague takes it over and fills in the form.'
      : by === 'blocked' ? 'You ended and blocked the conversation. No contact form is needed.' : 'The conversation has ended.',
    transfer: 'Pass on',
    transferConfirm: 'The contact seeker goes to the front of the queue, with the conversation so far. A colleague takes it over.', transferTitle: 'Pass this conversation on to a colleague?', transferYes: 'Yes, pass it on',
    newChat: 'New chat',
    newMessageTitle: 'New message',
    newMessageIn: (chat) => `New message in another conversation: ${chat}.`,
    unread: (n) => n === 1 ? '1 new message' : `${n} new messages`,
    openChat: 'Open conversation',
    menu: 'Menu',
    withinHour: (day, from, to) => `${day}, between ${from} and ${to}`,
    me: 'You', them: 'Contact seeker', system: 'System', colleague: 'Previous expert',
    notSent: 'not sent yet',
    reconnecting: 'Reconnecting…',
    formTitleChat: 'Contact form after the chat',
    formTitleOther: 'Register a contact',
    formIntro: 'This form describes the contact, not the person. Do not enter names or traceable details.',
    when: 'When', date: 'Date', hour: 'Time (start)', durationMinutes: 'Duration in minutes',
    referralOther: 'Other, namely (no names or traceable details)',
    save: 'Save', cancel: 'Fill in later', close: 'Close',
    saved: 'Contact form saved.',
    formWaiting: 'A conversation has ended. Its contact form waits under "Forms to fill in" for when you have time.',
    fixErrors: 'Check the marked fields.',
    saveFailed: 'Saving did not work. Please try again.',
    formsTitle: 'My registrations (last 30 days)',
    noForms: 'No registrations yet.',
    statistics: 'Statistics',
    mailboxPage: 'Mailbox',
    accounts: 'Accounts',
    blocks: 'Blocks',
    roster: 'Roster',
    twoFactor: 'Two-step verification',
    block: 'Block',
    blockTitle: 'Block this contact seeker',
    blockReason: 'Why are you blocking?',
    blockReasons: { abusive: 'Abusive or offensive', threatening: 'Threatening', prank: 'Fake chat or prank', other: 'Other' },
    blockExplain: (hours) => `The conversation ends and this address cannot start a new conversation for ${hours < 48 ? `${hours} hours` : `${Math.round(hours / 24)} days`}. You do not need to fill in a contact form.`,
    blockConfirm: 'Block and end',
    blockCancel: 'Cancel',
    blockChooseReason: 'Choose a reason.',
    blocked: (until) => `Blocked until ${until}.`,
    myFigures: (m) => `${m.contacts} ${m.contacts === 1 ? 'contact' : 'contacts'}, ${Math.round((m.chatMinutes + m.otherContactMinutes) / 6) / 10} hours in conversation, ${m.shiftHours} hours on shift.`,
    col: { when: 'When', type: 'Type', seeker: 'Contact seeker', minutes: 'Minutes', conversation: 'Conversation' },
    coolDownTitle: 'Take a breather',
    coolDown: (until) => `Take a breather — you get no new conversation until ${until}.`,
    coolDownReady: "I'm ready",
    preferredGender: 'Prefers', genderLabels: { any: "doesn't mind", woman: 'a woman', man: 'a man' },
    heavy: 'This conversation was hard',
    heavyAsked: 'Good that you say so. The coordinator knows and will get in touch with you to talk it over.',
    heavyFailed: 'That did not work. Try again shortly, or call the coordinator.',
    notYours: (s, at) => {
      const until = s.until ? at(s.until) : null;
      switch (s.notYours) {
        case 'preference': return `Waiting for ${wishText(s.wish, 'en')}` + (until ? ` (until ${until}, then anyone).` : '.');
        case 'transferred': return 'Passed on by you: goes to a colleague first' + (until ? ` (until ${until}, then anyone).` : '.');
        case 'cool-down': return until ? `Not for you: your breather lasts until ${until}.` : 'Not for you: your breather is still on.';
        case 'shift-ending': return 'Not for you: your shift ends soon' + (until ? ` (at ${until}).` : '.');
        case 'paused': return 'Not for you: you are paused.';
        case 'offline': return 'Not for you: you are offline.';
        case 'not-connected': return 'Not for you: your console is not connected.';
        case 'full': return 'Not for you: you already have the maximum number of conversations.';
        default: return null;
      }
    },
    debriefsTitle: 'To talk over',
    debriefsIntro: 'These experts found a conversation hard. Get in touch with them; nothing of the conversation is shown here.',
    debriefDone: 'Done', debriefDoneLabel: (name, when) => `Done: ${name}, ${when}`,
    debriefsNone: 'Nobody asked to talk a conversation over.',
    debriefGone: 'This request had already been dealt with.'
  }
};

// Texts of the two-factor set-up page (two-factor.js).
export const twoFactorTexts = {
  nl: {
    title: 'Tweestapsverificatie', back: 'Terug naar de console', signOut: 'Uitloggen',
    intro: 'Met tweestapsverificatie heb je bij het inloggen naast je wachtwoord ook een code nodig uit een app op je telefoon, zoals Microsoft Authenticator, Google Authenticator of FreeOTP. Wie je wachtwoord kent, komt dan nog niet binnen.',
    required: 'Als coördinator kun je pas verder als tweestapsverificatie aanstaat.',
    step1: '1. Koppel de app', scan: 'Open je authenticator-app, kies ‘Account toevoegen’ (vaak een +) en scan deze QR-code.',
    qrAlt: 'QR-code om deze console aan je authenticator-app te koppelen',
    manual: 'Lukt scannen niet? Voer dan deze sleutel met de hand in (tijdgebaseerd, 6 cijfers):',
    step2: '2. Vul de code uit de app in', code: 'Code uit je authenticator-app',
    codeHint: 'De 6 cijfers die de app nu laat zien. Ze veranderen elke 30 seconden.',
    enable: 'Tweestapsverificatie aanzetten', missing: 'Vul de code uit je authenticator-app in.',
    codesTitle: 'Je herstelcodes',
    keepCodes: 'Bewaar deze codes op een veilige plek, bijvoorbeeld in een wachtwoordkluis of afgedrukt in een la. Ben je je telefoon kwijt, dan log je in met één van deze codes; elke code werkt één keer. Je ziet ze hier maar één keer.',
    copy: 'Kopiëren', copied: 'De codes staan op het klembord.', copyFailed: 'Kopiëren lukte niet: schrijf ze over of druk ze af.',
    print: 'Afdrukken', done: 'Ik heb de codes bewaard: naar de console',
    isOn: 'Tweestapsverificatie staat aan. Bij het inloggen vul je een code uit je authenticator-app in.',
    turnedOn: 'Tweestapsverificatie staat aan.',
    codesLeft: (n) => n === 1 ? 'Je hebt nog 1 herstelcode over.' : `Je hebt nog ${n} herstelcodes over.`,
    fewLeft: 'Dat zijn er weinig: zet tweestapsverificatie uit en weer aan voor nieuwe codes.',
    disableTitle: 'Tweestapsverificatie uitzetten',
    disableIntro: 'Nieuwe telefoon? Zet tweestapsverificatie uit en stel het daarna opnieuw in met de nieuwe telefoon.',
    disableCode: 'Code uit je authenticator-app of een herstelcode',
    disable: 'Uitzetten', disableMissing: 'Vul een code uit je authenticator-app of een herstelcode in.',
    disabled: 'Tweestapsverificatie staat uit. Je kunt het hieronder opnieuw instellen.',
    failed: 'Dat lukte niet. Probeer het opnieuw.'
  },
  en: {
    title: 'Two-step verification', back: 'Back to the console', signOut: 'Sign out',
    intro: 'With two-step verification you need, besides your password, a code from an app on your phone to sign in, such as Microsoft Authenticator, Google Authenticator or FreeOTP. Knowing your password alone is then not enough.',
    required: 'As a coordinator you can only continue once two-step verification is on.',
    step1: '1. Link the app', scan: 'Open your authenticator app, choose ‘Add account’ (often a +) and scan this QR code.',
    qrAlt: 'QR code to link this console to your authenticator app',
    manual: 'Scanning does not work? Enter this key by hand instead (time-based, 6 digits):',
    step2: '2. Enter the code from the app', code: 'Code from your authenticator app',
    codeHint: 'The 6 digits the app shows now. They change every 30 seconds.',
    enable: 'Turn on two-step verification', missing: 'Enter the code from your authenticator app.',
    codesTitle: 'Your recovery codes',
    keepCodes: 'Keep these codes in a safe place, for example in a password manager or printed in a drawer. If you lose your phone, sign in with one of these codes; each code works once. You only see them here once.',
    copy: 'Copy', copied: 'The codes are on the clipboard.', copyFailed: 'Copying did not work: write them down or print them.',
    print: 'Print', done: 'I have kept the codes: go to the console',
    isOn: 'Two-step verification is on. When you sign in, you enter a code from your authenticator app.',
    turnedOn: 'Two-step verification is on.',
    codesLeft: (n) => n === 1 ? 'You have 1 recovery code left.' : `You have ${n} recovery codes left.`,
    fewLeft: 'That is not many: turn two-step verification off and on again for new codes.',
    disableTitle: 'Turn off two-step verification',
    disableIntro: 'New phone? Turn two-step verification off and then set it up again with the new phone.',
    disableCode: 'Code from your authenticator app or a recovery code',
    disable: 'Turn off', disableMissing: 'Enter a code from your authenticator app or a recovery code.',
    disabled: 'Two-step verification is off. You can set it up again below.',
    failed: 'That did not work. Please try again.'
  }
};

export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} u ${m % 60} min`;
}

// What the first waiting visitor asked for, in words: "een man met ervaring als slachtoffer die Engels spreekt".
const wishWords = {
  nl: { who: { woman: 'een vrouw', man: 'een man' }, anyone: 'iemand', exp: { victim: ' met ervaring als slachtoffer', perpetrator: ' met ervaring als pleger' },
    lang: (l) => ` die ${({ en: 'Engels', nl: 'Nederlands' })[l] ?? l} spreekt` },
  en: { who: { woman: 'a woman', man: 'a man' }, anyone: 'someone', exp: { victim: ' with experience as a victim', perpetrator: ' with experience as a perpetrator' },
    lang: (l) => ` who speaks ${({ en: 'English', nl: 'Dutch' })[l] ?? l}` }
};
export function wishText(wish, lang) {
  const w = wishWords[lang];
  if (!wish) return w.anyone;
  return (w.who[wish.preferredGender] ?? w.anyone) + (w.exp[wish.preferredExperience] ?? '')
    + (wish.language && wish.language !== 'nl' ? w.lang(wish.language) : '');
}
