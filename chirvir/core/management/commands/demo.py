"""`chirvir demo`: a small living community, so that a newcomer sees something real: a dozen
accounts writing in Hindi, Kazakh, Arabic, Indonesian and English, following and replying to each
other, with hashtags, reposts, likes, a direct message and one protected account. With --live it
goes on posting every few seconds until interrupted."""

import itertools
import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Account, FollowRequest
from chirvir.core.errors import TooMany
from chirvir.statuses import services as statuses

PASSWORD = "chirvir demo 2026"

# username, display name, interface language, bio
PEOPLE = [
    ("priya", "प्रिया शर्मा", "hi", "दिल्ली से। चाय, किताबें और क्रिकेट।"),
    ("arjun", "अर्जुन", "hi", "मुंबई में सॉफ़्टवेयर इंजीनियर।"),
    ("aigerim", "Әйгерім", "kk", "Алматыдан. Тау мен кітапты жақсы көремін."),
    ("nurlan", "Нұрлан", "kk", "Астана. Домбыра және футбол."),
    ("layla", "ليلى", "ar", "من القاهرة. أحب الشعر والقهوة."),
    ("omar", "عمر", "ar", "مطوّر برمجيات في عمّان."),
    ("budi", "Budi Santoso", "id", "Dari Jakarta. Suka kopi dan sepeda."),
    ("sari", "Sari", "id", "Guru di Bandung. Hidup ini indah!"),
    ("maya", "Maya", "en", "Writing short things from Nairobi."),
    ("tom", "Tom", "en", "Coffee, trains and tiny posts."),
    ("zhanna", "Жанна", "kk", "Қорғалған аккаунт: тек достарыма."),
    ("chirvir", "Chirvir", "en", "The microblog you are looking at."),
]
PROTECTED = "zhanna"

POSTS = {
    "priya": ["आज सुबह की चाय बहुत अच्छी थी ☕ #चाय", "आप क्या कर रहे हैं? मैं एक नई किताब पढ़ रही हूँ। #किताबें"],
    "arjun": ["बारिश में मुंबई की लोकल ट्रेन… हमेशा एक रोमांच! #मुंबई", "नया प्रोजेक्ट शुरू किया। #कोड"],
    "aigerim": ["Бүгін Алматыда күн ашық, таулар керемет көрінеді! #Алматы", "Жаңа кітап оқып жатырмын. #кітап"],
    "nurlan": ["Кешкі футбол ойыны керемет болды ⚽ #футбол", "Домбыра үйреніп жүрмін, қиын бірақ қызық."],
    "layla": ["صباح الخير من القاهرة! القهوة جاهزة ☕ #قهوة", "أقرأ ديوان شعر جديد الليلة. #شعر"],
    "omar": ["أطلقنا اليوم نسخة جديدة من تطبيقنا 🎉 #برمجة", "الطقس في عمّان جميل جدًا اليوم."],
    "budi": ["Pagi ini bersepeda keliling Jakarta. Segar sekali! #sepeda", "Ngopi dulu sebelum kerja ☕ #kopi"],
    "sari": ["Murid-murid saya hari ini belajar tentang gunung berapi. #guru", "Hujan di Bandung, waktunya baca buku."],
    "maya": ["What are you doing? Watching the rain over Nairobi. #rain", "Short posts are a good habit."],
    "tom": ["The 7:42 train is late again. Time for a second coffee. #trains", "Reading everyone's posts in five languages today."],
    "zhanna": ["Бұл жазбаны тек менің оқырмандарым көреді.", "Бүгін үйде демалыс күні."],
    "chirvir": ["Welcome to Chirvir! Say what you are doing in 140 characters. #chirvir", "चिर्विर में आपका स्वागत है! #chirvir"],
}

REPLIES = [
    ("arjun", "priya", "@priya कौन सी किताब? मुझे भी बताइए!"),
    ("nurlan", "aigerim", "@aigerim Керемет! Демалыста тауға барайық."),
    ("omar", "layla", "@layla صباح النور! استمتعي بقهوتك."),
    ("sari", "budi", "@budi Wah, hati-hati di jalan ya!"),
    ("tom", "maya", "@maya Same here, the rain is everywhere today."),
    ("maya", "chirvir", "@chirvir Hello from Nairobi! #chirvir"),
]

LIVE = [
    ("maya", "Still raining. Still posting. #rain"),
    ("budi", "Makan siang: nasi goreng 🍳 #makan"),
    ("aigerim", "Кешкі Алматы шамдары ✨ #Алматы"),
    ("layla", "مساء الخير من القاهرة 🌙"),
    ("priya", "शाम की चाय और बारिश 🌧️ #चाय"),
    ("tom", "Made the 18:05 train. Small victories. #trains"),
]


class Command(BaseCommand):
    help = "Fill the instance with a small demo community."

    def add_arguments(self, parser):
        parser.add_argument("--live", action="store_true", help="keep posting every few seconds")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds between live posts (default: %(default)s)"
        )

    def handle(self, *args, live, interval, **options):
        people = self._people()
        self._posts(people)
        self.stdout.write(self.style.SUCCESS(f"Demo community ready: {len(people)} accounts (password: {PASSWORD!r})."))
        if live:
            self.stdout.write("Posting every few seconds; Ctrl-C stops.")
            try:
                for username, body in itertools.cycle(LIVE):
                    time.sleep(interval)
                    try:
                        status = statuses.post_status(people[username], f"{body} ({time.strftime('%H:%M:%S')})")
                    except TooMany:  # the posting limit (CHIRVIR_POSTS_PER_HOUR) holds a demo account too
                        self.stdout.write(f"@{username} is over the posting limit for now.")
                        continue
                    self.stdout.write(f"@{username}: {status.text}")
            except KeyboardInterrupt:
                self.stdout.write("Stopped.")

    def _people(self) -> dict[str, Account]:
        people = {}
        for username, display_name, language, note in PEOPLE:
            account = Account.objects.filter(username__iexact=username).first()
            if account is None:
                account = accounts.register(username, PASSWORD, display_name=display_name, language=language)
                accounts.update_profile(account, note=note, locked=username == PROTECTED)
                self.stdout.write(f"  created @{username}")
            people[username] = account
        return people

    @transaction.atomic
    def _posts(self, people: dict[str, Account]) -> None:
        if people["chirvir"].statuses_count:
            self.stdout.write("  the community has posted before; adding nothing")
            return
        rng = random.Random(2006)
        names = list(people)
        for follower in names:
            for followee in {*rng.sample(names, 6), "chirvir"} - {follower}:
                accounts.follow(people[follower], people[followee])
        # The protected account approves some of those who asked; the rest still wait.
        for request in FollowRequest.objects.filter(target_account=people[PROTECTED]).order_by("id")[::2]:
            accounts.approve_follow_request(people[PROTECTED], request.account)
        first_post = {}
        for username, bodies in POSTS.items():
            for body in bodies:
                status = statuses.post_status(people[username], body)
                first_post.setdefault(username, status)
        for author, parent_author, body in REPLIES:
            statuses.post_status(people[author], body, in_reply_to_id=first_post[parent_author].id)
        statuses.reblog(people["tom"], first_post["budi"].id)
        statuses.reblog(people["aigerim"], first_post["chirvir"].id)
        for liker in ("maya", "omar", "sari", "nurlan"):
            statuses.favourite(people[liker], first_post["chirvir"].id)
        statuses.post_status(people["layla"], "d omar هل نلتقي غدًا للقهوة؟")
        self.stdout.write(f"  {sum(len(b) for b in POSTS.values()) + len(REPLIES) + 3} posts, replies and messages")
