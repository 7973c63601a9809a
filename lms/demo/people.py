"""Demo organisations and names: mine action bodies across the eleven ASEAN member states,
and people named as they write their names (Khmer, Thai, Lao, Burmese, Vietnamese,
Malay/Indonesian, Filipino, Tetum), each with a romanised form for the email address."""

import random
import re
import unicodedata

# (name, country, kind, weight): national authorities, operators, NGOs.
ORGANISATIONS = [
    ("Cambodian Mine Action and Victim Assistance Authority", "KH", "authority", 5),
    ("Cambodian Mine Action Centre", "KH", "operator", 8),
    ("ASEAN Regional Mine Action Center", "KH", "regional", 2),
    ("HALO Trust Cambodia", "KH", "operator", 5),
    ("Cambodian Self Help Demining", "KH", "ngo", 2),
    ("National Regulatory Authority for UXO/Mine Action Sector", "LA", "authority", 4),
    ("UXO Lao", "LA", "operator", 6),
    ("MAG Lao PDR", "LA", "operator", 4),
    ("Norwegian People's Aid Lao PDR", "LA", "ngo", 3),
    ("Vietnam National Mine Action Centre", "VN", "authority", 5),
    ("Project RENEW", "VN", "ngo", 3),
    ("PeaceTrees Vietnam", "VN", "ngo", 2),
    ("Thailand Mine Action Centre", "TH", "authority", 5),
    ("Peace Road Organisation", "TH", "ngo", 2),
    ("HALO Trust Myanmar", "MM", "operator", 3),
    ("DanChurchAid Myanmar", "MM", "ngo", 2),
    ("Philippine Campaign to Ban Landmines", "PH", "ngo", 2),
    ("Department of Foreign Affairs, Philippines", "PH", "authority", 2),
    ("Indonesia Peace and Security Center", "ID", "authority", 3),
    ("Ministry of Defence Malaysia", "MY", "authority", 2),
    ("Ministry of Foreign Affairs Singapore", "SG", "authority", 1),
    ("Ministry of Defence Brunei Darussalam", "BN", "authority", 1),
    ("National Directorate for Mine Action, Timor-Leste", "TL", "authority", 2),
]


def _pairs(text: str) -> list[tuple[str, str]]:
    """'local|roman, local|roman' into pairs."""
    return [tuple(item.strip().split("|")) for item in text.split(",")]


KHMER_FAMILY = _pairs(
    "សុខ|Sok, ចាន់|Chan, ហេង|Heng, គឹម|Kim, ស៊ុន|Sun, ឡុង|Long, ម៉ៅ|Mao, កែវ|Keo, សេង|Seng"
)
KHMER_GIVEN = _pairs(
    "សុភា|Sophea, ដារ៉ា|Dara, វណ្ណា|Vanna, សុខា|Sokha, ចន្ថា|Chantha, រតនា|Rattana, "
    "សំណាង|Samnang, ពិសិដ្ឋ|Piseth, សុផល|Sophal, ស្រីមុំ|Sreymom, បុប្ផា|Bopha, វិចិត្រ|Vichet"
)
THAI_GIVEN = _pairs(
    "สมชาย|Somchai, สุดา|Suda, ประเสริฐ|Prasert, วันเพ็ญ|Wanphen, ธนากร|Thanakorn, "
    "กาญจนา|Kanchana, อนุชา|Anucha, นภา|Napha, วีระ|Wira, พรทิพย์|Pornthip"
)
THAI_FAMILY = _pairs(
    "ใจดี|Jaidee, ศรีสุข|Srisuk, วงศ์ใหญ่|Wongyai, บุญมา|Boonma, แก้วมณี|Kaewmanee, "
    "สุวรรณ|Suwan, ทองดี|Thongdee, จันทร์เพ็ญ|Janpen"
)
LAO_GIVEN = _pairs(
    "ສົມພອນ|Somphone, ບຸນມີ|Bounmy, ຄຳພັນ|Khamphan, ວິໄລ|Vilay, ສຸລິຍາ|Souliya, "
    "ພອນສະຫວັນ|Phonesavanh, ແສງເດືອນ|Sengdeuane, ທອງລາ|Thongla"
)
LAO_FAMILY = _pairs(
    "ແສງສະຫວ່າງ|Sengsavang, ພົມມະຈັນ|Phommachanh, ວົງສາ|Vongsa, ສີສຸວັນ|Sisouvanh, "
    "ອິນທະວົງ|Inthavong, ຈັນທະລາ|Chanthala"
)
BURMESE_FIRST = _pairs(
    "အောင်|Aung, ကျော်|Kyaw, ခင်|Khin, သီတာ|Thida, ဇော်|Zaw, နီလာ|Nilar, မြတ်|Myat, "
    "ထက်|Htet, ဝင်း|Win, စု|Su, ရဲ|Ye, ဖြိုး|Phyo"
)
BURMESE_SECOND = _pairs(
    "မိုး|Moe, မာဝင်း|Mar Win, ဦး|Oo, မင်းထွန်း|Min Tun, စိုး|Soe, ဇင်|Zin, နိုင်|Naing, "
    "မွန်|Mon, အောင်|Aung, သီဟ|Thiha, လှိုင်|Hlaing"
)
VIET_FAMILY = "Nguyễn Trần Lê Phạm Hoàng Phan Vũ Đặng Bùi Đỗ".split()
VIET_MIDDLE = "Văn Thị Minh Đức Thanh Ngọc Hữu".split()
VIET_GIVEN = "An Bình Hương Lan Tuấn Dũng Hà Linh Quang Thảo Phương Sơn".split()
MALAY_GIVEN = "Ahmad Muhammad Hafiz Azman Zulkifli Faizal".split()
MALAY_GIVEN_F = "Siti Nurul Aisyah Farah Nor Aina".split()
MALAY_FATHER = "Ismail Abdullah Hassan Osman Yusof Rahman".split()
INDONESIAN_GIVEN = "Budi Dewi Agus Sri Rudi Putri Eko Indah Wahyu Ratna".split()
INDONESIAN_FAMILY = "Santoso Lestari Setiawan Wahyuni Hartono Handayani Prasetyo Nugroho".split()
FILIPINO_GIVEN = "Maria Jose Juan Ana Mark Kristine Rogelio Maricel Jerome Liza".split()
FILIPINO_FAMILY = ["Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Dela Cruz"]
TETUM_GIVEN = "José Maria João Ana Francisco Domingas Mateus Joaquina Agostinho Rosalina".split()
TETUM_FAMILY = ["da Costa", "Soares", "Ximenes", "Guterres", "Belo", "Amaral", "dos Santos"]
SINGAPORE = [
    "Tan Wei Ming",
    "Lim Hui Ling",
    "Ng Jia Hui",
    "Lee Kok Wai",
    "Nur Aisyah Rahman",
    "Rajesh Kumar",
    "Priya Devi",
    "Goh Mei Ling",
]


def _latin(text: str) -> str:
    return unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))


def _local(rng: random.Random, first: list, second: list, family_first: bool, sep=" "):
    a, b = rng.choice(first), rng.choice(second)
    local = f"{a[0]}{sep}{b[0]}"
    roman = f"{b[1]} {a[1]}" if family_first else f"{a[1]} {b[1]}"
    return local, roman


def _malay(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.5:
        name = f"{rng.choice(MALAY_GIVEN)} bin {rng.choice(MALAY_FATHER)}"
    else:
        name = f"{rng.choice(MALAY_GIVEN_F)} binti {rng.choice(MALAY_FATHER)}"
    return name, name


def _same(name: str) -> tuple[str, str]:
    return name, name


def _two(rng: random.Random, first: list, second: list) -> tuple[str, str]:
    name = f"{rng.choice(first)} {rng.choice(second)}"
    return name, name


NAMERS = {
    # Khmer and Burmese write the family name first; Burmese names have no spaces.
    "KH": lambda rng: _local(rng, KHMER_FAMILY, KHMER_GIVEN, family_first=False),
    "TH": lambda rng: _local(rng, THAI_GIVEN, THAI_FAMILY, family_first=False),
    "LA": lambda rng: _local(rng, LAO_GIVEN, LAO_FAMILY, family_first=False),
    "MM": lambda rng: _local(rng, BURMESE_FIRST, BURMESE_SECOND, family_first=False, sep=""),
    "VN": lambda rng: _same(
        f"{rng.choice(VIET_FAMILY)} {rng.choice(VIET_MIDDLE)} {rng.choice(VIET_GIVEN)}"
    ),
    "MY": _malay,
    "BN": _malay,
    "ID": lambda rng: _two(rng, INDONESIAN_GIVEN, INDONESIAN_FAMILY),
    "PH": lambda rng: _two(rng, FILIPINO_GIVEN, FILIPINO_FAMILY),
    "TL": lambda rng: _two(rng, TETUM_GIVEN, TETUM_FAMILY),
    "SG": lambda rng: _same(rng.choice(SINGAPORE)),
}


def person(rng: random.Random, country: str) -> tuple[str, str]:
    """(name as written, romanised name) of a plausible person from the country."""
    return NAMERS[country](rng)


def email_local(romanised: str) -> str:
    """An ASCII email local part from a romanised name: 'Nguyễn Văn An' -> 'nguyen.van.an'."""
    ascii_name = _latin(romanised).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", ".", ascii_name).strip(".")


def domain(organisation: str) -> str:
    """A demo email domain for an organisation (reserved .example top-level domain)."""
    words = re.findall(r"[A-Za-z]+", organisation)
    initials = "".join(w[0] for w in words if w[0].isupper()).lower() or "org"
    return f"{initials}.example"
