"""A synthetic gazette corpus for the search benchmark, grown from the sample issue.

Bodies are the sample's sentences, shuffled, with every number replaced; each notice also
gets terms drawn from a Zipf-distributed synthetic vocabulary (so a few terms are in most
notices and most terms in a handful) and a leading-group list with names drawn the same way,
two-character names typeset with a padding space as the gazette prints them. Deterministic
for a given seed.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "documents" / "demo" / "xianning-2022-05.txt"
HAN = re.compile(r"[\u4e00-\u9fff]")
SENTENCE_END = re.compile(r"(?<=[。；！？])|\n")
AGENCIES = {
    "咸政发": "咸宁市人民政府",
    "咸政函": "咸宁市人民政府",
    "咸政办发": "咸宁市人民政府办公室",
    "咸政办函": "咸宁市人民政府办公室",
    "咸办发": "中共咸宁市委办公室",
}
PLACES = ["咸宁市", "全市", "咸安区", "嘉鱼县", "通城县", "崇阳县", "通山县", "赤壁市", ""]
TOPICS = [
    "进一步加快重大项目建设扩大有效投资",
    "长江经济带降碳减污扩绿增长十大行动",
    "健全重特大疾病医疗保险和救助制度",
    "促进高校毕业生就业创业",
    "全面推进数字咸宁建设",
    "加快发展保障性租赁住房",
    "集中打击整治危害药品安全违法犯罪",
]
KINDS = ["实施方案", "工作方案", "实施意见", "若干措施", "管理办法", "行动计划", "工作要点"]
AREAS = ["管理", "建设", "发展", "改革", "保护", "服务", "治理"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
ROLES = ["组长", "副组长", "成员", "成员", "成员"]


class Zipf:
    """Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1) ** s."""

    def __init__(self, n: int, s: float, rng: random.Random):
        self.cumulative = list(itertools.accumulate(1 / (r + 1) ** s for r in range(n)))
        self.rng = rng

    def draw(self) -> int:
        return bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])


@dataclass
class SyntheticNotice:
    title: str
    agency: str
    issuer: str
    serial: int
    year: int
    signed_on: datetime.date
    body: str
    valid_years: int | None
    projects: list[tuple[str, str]] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)


class Corpus:
    """Generates notices; remembers in how many notices each term and name occurs."""

    def __init__(self, seed: int = 20221116, vocabulary: int = 30000, names: int = 20000):
        self.rng = random.Random(seed)
        text = SAMPLE.read_text(encoding="utf-8")
        self.sentences = [
            s.strip()
            for s in SENTENCE_END.split(text)
            if len(HAN.findall(s)) >= 8 and len(s.strip()) <= 400
        ]
        chars = Counter(HAN.findall(text))
        alphabet = [c for c, _ in chars.most_common(1500)]
        weights = [chars[c] for c in alphabet]
        self.terms = self._unique(
            lambda: "".join(self.rng.choices(alphabet, weights, k=self.rng.choice((2, 3, 3, 4)))),
            vocabulary,
        )
        self.names = self._unique(
            lambda: (
                self.rng.choice(SURNAMES)
                + "".join(self.rng.choices(alphabet, weights, k=self.rng.choice((1, 1, 2))))
            ),
            names,
        )
        self.term_zipf = Zipf(vocabulary, 1.05, self.rng)
        self.name_zipf = Zipf(names, 1.0, self.rng)
        self.term_docs: Counter[str] = Counter()
        self.name_docs: Counter[str] = Counter()
        self.serials: Counter[tuple[str, int]] = Counter()

    def _unique(self, make, n: int) -> list[str]:
        found: dict[str, None] = {}
        while len(found) < n:
            found[make()] = None
        return list(found)

    def _numbers(self, sentence: str) -> str:
        return re.sub(
            r"\d+",
            lambda m: str(self.rng.randrange(10 ** (len(m.group()) - 1), 10 ** len(m.group()))),
            sentence,
        )

    def notice(self, year: int) -> SyntheticNotice:
        rng = self.rng
        agency = rng.choice(list(AGENCIES))
        self.serials[agency, year] += 1
        # Sorted: a set's order follows str hashes, which differ per process (PYTHONHASHSEED),
        # and the order decides where terms go and which queries the benchmark picks.
        terms = sorted({self.terms[self.term_zipf.draw()] for _ in range(rng.randint(8, 24))})
        self.term_docs.update(terms)
        count = max(3, int(rng.lognormvariate(3.3, 0.6)))
        sentences = [
            self._numbers(s) for s in rng.sample(self.sentences, min(count, len(self.sentences)))
        ]
        for term in terms:
            i = rng.randrange(len(sentences))
            sentences[i] = sentences[i].rstrip("。；") + f"，重点做好{term}工作。"
        paragraphs = [
            "".join(sentences[i : i + rng.randint(2, 6)]) for i in range(0, len(sentences), 4)
        ]
        if rng.random() < 0.3:
            names = sorted({self.names[self.name_zipf.draw()] for _ in range(rng.randint(3, 8))})
            self.name_docs.update(names)
            for role, name in zip(itertools.cycle(ROLES), sorted(names), strict=False):
                shown = " ".join(name) if len(name) == 2 else name
                paragraphs.append(f"{role}：{shown}  市人民政府副市长")
        topic = rng.choice(TOPICS) if rng.random() < 0.5 else rng.choice(terms) + rng.choice(AREAS)
        title = f"关于印发{rng.choice(PLACES)}{topic}{rng.choice(KINDS)}的通知"
        projects = []
        if rng.random() < 0.08:
            projects = [
                (
                    f"{rng.choice(PLACES)}{rng.choice(terms)}项目",
                    self._numbers(rng.choice(self.sentences)),
                )
                for _ in range(rng.randint(1, 6))
            ]
        tasks = []
        if rng.random() < 0.15:
            tasks = [self._numbers(rng.choice(self.sentences)) for _ in range(rng.randint(1, 5))]
        return SyntheticNotice(
            title=title,
            agency=agency,
            issuer=AGENCIES[agency],
            serial=self.serials[agency, year],
            year=year,
            signed_on=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
            body="\n".join(paragraphs),
            valid_years=rng.choice([5, 5, 3, None]),
            projects=projects,
            tasks=tasks,
        )

    def sample_phrase(self, length: int) -> str:
        """A run of `length` Chinese characters from a sample sentence."""
        while True:
            sentence = self.rng.choice(self.sentences)
            runs = [r for r in re.findall(r"[\u4e00-\u9fff]+", sentence) if len(r) >= length]
            if runs:
                run = self.rng.choice(runs)
                start = self.rng.randrange(len(run) - length + 1)
                return run[start : start + length]
