// All texts of the visitor's chat, per language. Dutch is the default.
export const texts = {
  nl: {
    langSwitch: 'English', langSwitchLabel: 'Switch to English',
    quickExit: 'Snel weg', quickExitLabel: 'Snel weg: sluit de chat en ga naar een andere website (toets Esc)',
    emergency: 'In acuut gevaar? Bel <112>. Voor advies of een melding: Veilig Thuis <0800-2000>, gratis, dag en nacht.',
    loading: 'Even geduld…',
    closedTitle: 'De chat is nu gesloten',
    introTitle: 'Praat anoniem met een ervaringsdeskundige',
    introText: 'Je hoeft je naam niet te noemen en je hoeft niets te vertellen wat je niet wilt. Onze ervaringsdeskundigen hebben zelf een onveilige thuissituatie meegemaakt.',
    aboutLegend: 'Wat past het best bij jou? (mag je overslaan)',
    about: {
      unspecified: 'Zeg ik liever niet',
      victim: 'Ik voel me thuis niet veilig',
      perpetrator: 'Ik schrik van mijn eigen gedrag thuis',
      both: 'Allebei een beetje',
      relative: 'Ik maak me zorgen om iemand in mijn omgeving',
      professional: 'Ik vraag het voor mijn werk',
      other: 'Iets anders'
    },
    prefLegend: 'Met wie praat je het liefst?',
    pref: {
      any: 'Maakt me niet uit',
      victim: 'Iemand die zelf geweld heeft meegemaakt',
      perpetrator: 'Iemand die zelf geweld heeft gebruikt en ermee gestopt is'
    },
    followLegend: 'Heb je eerder contact met ons gehad?',
    follow: { unknown: 'Zeg ik liever niet', no: 'Nee', yes: 'Ja' },
    skipHint: 'Alle vragen mogen leeg blijven. Het gesprek wordt niet bewaard.',
    start: 'Start de chat',
    startFailed: 'Het starten lukte niet. Probeer het nog eens.',
    messageLabel: 'Je bericht',
    placeholderQueued: 'Je kunt alvast typen wat je kwijt wilt…',
    placeholderActive: 'Typ je bericht…',
    send: 'Verstuur',
    leave: 'Gesprek beëindigen',
    leaveConfirm: 'Wil je het gesprek beëindigen?',
    queued: (pos) => pos <= 1 ? 'Je bent de volgende. Er komt zo iemand bij je.' : `Je bent nummer ${pos} in de wachtrij.`,
    wait: (secs) => secs == null ? 'We weten nog niet hoe lang het duurt.'
      : secs < 60 ? 'Geschatte wachttijd: minder dan een minuut.'
      : secs > 3600 ? 'Geschatte wachttijd: meer dan een uur.'
      : `Geschatte wachttijd: ongeveer ${Math.ceil(secs / 60)} minuten.`,
    talkingWith: (name) => `Je praat met ${name}, ervaringsdeskundige.`,
    joined: (name) => `${name} is er nu voor je.`,
    typing: (name) => `${name} typt…`,
    expertFallback: 'De ervaringsdeskundige',
    notSent: ' · nog niet verstuurd',
    failed: ' · niet verstuurd',
    reconnecting: 'Verbinding herstellen… Je berichten blijven bewaard en worden verstuurd zodra het weer lukt.',
    endedTitle: 'Het gesprek is beëindigd',
    endedByExpert: 'De ervaringsdeskundige heeft het gesprek beëindigd. Fijn dat je contact zocht.',
    endedByVisitor: 'Je hebt het gesprek beëindigd. Fijn dat je contact zocht.',
    endedBySystem: 'Het gesprek is beëindigd.',
    endedPrivacy: 'Het gesprek is niet op dit apparaat bewaard. Je bent altijd welkom om opnieuw te chatten.',
    again: 'Nieuw gesprek'
  },
  en: {
    langSwitch: 'Nederlands', langSwitchLabel: 'Schakel naar Nederlands',
    quickExit: 'Leave now', quickExitLabel: 'Leave now: close the chat and go to another website (Esc key)',
    emergency: 'In immediate danger? Call <112>. For advice or to report: Veilig Thuis <0800-2000>, free, day and night.',
    loading: 'One moment…',
    closedTitle: 'The chat is closed now',
    introTitle: 'Talk anonymously with an expert by experience',
    introText: 'You do not have to give your name and you do not have to tell anything you do not want to. Our experts have lived through an unsafe home situation themselves.',
    aboutLegend: 'What fits you best? (you may skip this)',
    about: {
      unspecified: "I'd rather not say",
      victim: "I don't feel safe at home",
      perpetrator: 'My own behaviour at home worries me',
      both: 'A bit of both',
      relative: "I'm worried about someone close to me",
      professional: "I'm asking for my work",
      other: 'Something else'
    },
    prefLegend: 'Who would you prefer to talk to?',
    pref: {
      any: "I don't mind",
      victim: 'Someone who has experienced violence',
      perpetrator: 'Someone who has used violence and stopped'
    },
    followLegend: 'Have you been in touch with us before?',
    follow: { unknown: "I'd rather not say", no: 'No', yes: 'Yes' },
    skipHint: 'Every question may stay empty. The conversation is not kept.',
    start: 'Start the chat',
    startFailed: 'Starting did not work. Please try again.',
    messageLabel: 'Your message',
    placeholderQueued: 'You can already type what is on your mind…',
    placeholderActive: 'Type your message…',
    send: 'Send',
    leave: 'End conversation',
    leaveConfirm: 'Do you want to end the conversation?',
    queued: (pos) => pos <= 1 ? 'You are next. Someone will be with you shortly.' : `You are number ${pos} in the queue.`,
    wait: (secs) => secs == null ? "We don't know yet how long it will take."
      : secs < 60 ? 'Estimated wait: less than a minute.'
      : secs > 3600 ? 'Estimated wait: more than an hour.'
      : `Estimated wait: about ${Math.ceil(secs / 60)} minutes.`,
    talkingWith: (name) => `You are talking with ${name}, expert by experience.`,
    joined: (name) => `${name} is here for you now.`,
    typing: (name) => `${name} is typing…`,
    expertFallback: 'The expert',
    notSent: ' · not sent yet',
    failed: ' · not sent',
    reconnecting: 'Reconnecting… Your messages are kept and will be sent as soon as possible.',
    endedTitle: 'The conversation has ended',
    endedByExpert: 'The expert ended the conversation. Thank you for reaching out.',
    endedByVisitor: 'You ended the conversation. Thank you for reaching out.',
    endedBySystem: 'The conversation has ended.',
    endedPrivacy: 'The conversation was not saved on this device. You are always welcome to chat again.',
    again: 'New conversation'
  }
};
