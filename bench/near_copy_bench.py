"""Measure the near-copy detection (records.similarity) on Chinese teachers' papers, to choose its threshold.

    .venv/bin/python bench/near_copy_bench.py [--papers 60] [--seed 7] [--shingle 5]

The papers are written the way the bureau's members write them: sentences put together from the stock phrases of
Chinese teaching papers (核心素养, 新课标, 小组合作, 情境创设 …) with each subject's own words, classes, numbers and
examples, so two honest papers on the same subject share many phrases of four to eight characters but few whole
sentences — the hard case for a shingle measure. The regulation's own text (shared/seeds) is added as a text of
another kind. Then every way a member might pass off a copy is applied to some papers: re-typeset and
re-punctuated, sentences reordered, 20 / 40 / 60 % of the sentences rewritten, padded with as much new text,
half copied and half new, and "washed" (洗稿) with synonyms. For each kind the script prints the share of shingles
in common (the smaller text's shingles found in the other, estimated from the MinHash signatures) and how many
pairs the band index would propose as candidates; for honest pairs the largest shares; and the time to
fingerprint a 3,000-character paper. Figures, and the threshold chosen from them, go to bench/README.md.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from records import similarity

OPENERS = ["在教学实践中，", "近年来，", "通过一学期的探索，", "笔者发现，", "从课堂观察来看，", "实践证明，",
           "在新课标背景下，", "结合本校实际，", "在集体备课中，", "从学生的反馈看，", "在工作室的研讨中，",
           "回顾这一阶段的工作，", "针对这一问题，", "在听课磨课的过程中，", "从作业批改的情况看，", "", "", ""]
MODIFIERS = ["当前", "本班", "部分", "多数", "我校", "农村学校", "低年级", "高年级", "课堂中的", "新教师的",
             "学困生的", "优秀学生的", "课外", "日常", "单元中的", "小组内的", "家庭中的", "校本"]
NOUNS = ["课堂提问", "小组合作", "作业设计", "课堂评价", "情境创设", "分层教学", "学习习惯", "预习环节",
         "板书设计", "教学目标", "学习任务单", "课后反思", "错题整理", "课堂追问", "教学环节", "评价方式"]
ADVERBS = ["往往", "逐步", "明显", "始终", "常常", "普遍", "在一定程度上", "已经", "仍然", "初步", "基本上",
           "更加", "直接", "深刻地", "悄然"]
VERBS = ["影响着", "制约了", "促进了", "体现出", "依赖于", "决定了", "改变了", "推动着", "反映出", "带动了",
         "关乎", "支撑着", "左右着", "削弱了", "丰富了"]
CONNECTORS = ["因此", "同时", "然而", "另外", "可见", "事实上", "总的来说", "换句话说", "与此相应", "对此"]
WHO = ["教师", "学生", "家长", "听课教师", "同组教师", "备课组", "我们", "孩子们", "教研组", "工作室成员"]
DOES = ["及时调整了", "明显改进了", "重新梳理了", "认真记录了", "逐步形成了", "共同讨论了", "主动反思了",
        "尝试优化了", "初步建立了", "坚持完善了", "集中展示了", "细致分析了"]
WHAT = ["教学策略", "课堂常规", "评价量表", "作业清单", "学习档案", "互评规则", "提问的层次", "小组分工",
        "板书结构", "练习梯度", "阅读计划", "观察记录", "实验步骤", "反馈方式", "复习路径"]
NUMBERS = ["。例如在《{lesson}》一课中，有{n}名学生能够独立完成任务。", "，全班{m}名学生中有{n}名达到了预期目标。",
           "，前测与后测相比提高了{n}个百分点。", "。", "。", "。", "。"]
STOCK = ["以立德树人为根本任务，落实核心素养的培养。", "教学有法，教无定法，贵在得法。",
         "课堂是教学的主阵地，学生是学习的主体。", "要把课堂还给学生，让学生成为学习的主人。"]
SUBJECTS = {
    "语文": {"skill": ["阅读理解能力", "写作表达能力", "古诗文积累", "朗读能力", "整本书阅读习惯"],
                 "lesson": ["荷塘月色", "背影", "春", "桂花雨", "草船借箭", "卖油翁"],
                 "goal": ["学生语文素养的形成", "阅读能力的提升", "表达能力的发展"]},
    "数学": {"skill": ["运算能力", "空间观念", "推理能力", "数感", "建模意识"],
                 "lesson": ["分数的初步认识", "圆的面积", "一元一次方程", "勾股定理", "三角形的内角和"],
                 "goal": ["数学思维的培养", "学生解决问题的能力", "运算的准确率"]},
    "英语": {"skill": ["口语交际能力", "词汇积累", "听力理解", "英语书写", "语篇理解能力"],
                 "lesson": ["My family", "At the zoo", "Seasons", "Healthy food", "Travel plans"],
                 "goal": ["学生综合语言运用能力", "学习英语的兴趣", "语言输出的质量"]},
    "物理": {"skill": ["实验探究能力", "科学思维", "建构模型的能力", "观察能力"],
                 "lesson": ["浮力", "欧姆定律", "光的折射", "牛顿第一定律", "电功率"],
                 "goal": ["学生科学素养的提升", "对物理概念的理解", "实验操作的规范"]},
    "道德与法治": {"skill": ["法治意识", "道德判断能力", "责任意识", "辨析能力"],
                       "lesson": ["友谊的天空", "生命可以永恒吗", "我们的公共生活", "守护生命"],
                       "goal": ["学生正确价值观的形成", "学生的道德修养", "社会责任感的培养"]},
}
GRADES = ["三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级", "高一"]
SYNONYMS = [("学生", "同学"), ("教师", "老师"), ("提高", "提升"), ("课堂", "课上"), ("能力", "本领"),
            ("设计", "规划"), ("有效", "切实"), ("学习", "研习"), ("问题", "难题"), ("教学", "授课"),
            ("发现", "察觉"), ("重要", "关键"), ("实践", "实际操作"), ("过程", "环节")]


def sentence(rng: random.Random, subject: str) -> str:
    """One sentence: a topic (modifier + noun, or the subject's skill), a predicate (adverb + verb + one of the
    subject's goals), a connector and a clause (who + did + what), sometimes a lesson with figures; now and then
    a stock sentence."""
    words = SUBJECTS[subject]
    if rng.random() < 0.05:
        return rng.choice(STOCK)
    topic = (rng.choice(MODIFIERS) + rng.choice(NOUNS) if rng.random() < 0.6
             else rng.choice(GRADES) + "学生的" + rng.choice(words["skill"]))
    clause = rng.choice(WHO) + rng.choice(DOES) + rng.choice(WHAT)
    text = (rng.choice(OPENERS) + topic + rng.choice(ADVERBS) + rng.choice(VERBS) + rng.choice(words["goal"])
            + "，" + rng.choice(CONNECTORS) + clause + rng.choice(NUMBERS))
    return text.format(lesson=rng.choice(words["lesson"]), m=rng.randint(38, 56), n=rng.randint(12, 37))


def paper(rng: random.Random, subject: str, chars: int = 3000) -> list[str]:
    """A paper as a list of sentences, about ``chars`` characters long."""
    sentences, total = [], 0
    while total < chars:
        sentences.append(sentence(rng, subject))
        total += len(sentences[-1])
    return sentences


def join(sentences: list[str]) -> str:
    paragraphs = [sentences[i:i + 6] for i in range(0, len(sentences), 6)]
    return "\n".join("    " + "".join(p) for p in paragraphs)


def copies(rng: random.Random, original: list[str], subject: str) -> dict[str, str]:
    def rewritten(share: float) -> str:
        return join([sentence(rng, subject) if rng.random() < share else s for s in original])

    shuffled = original[:]
    rng.shuffle(shuffled)
    half = len(original) // 2
    washed = join(original)
    for word, other in SYNONYMS:
        washed = washed.replace(word, other)
    return {
        "re-typeset": " ".join(s.replace("，", ", ").replace("。", ". ") for s in original),
        "reordered": join(shuffled),
        "20% rewritten": rewritten(0.2),
        "40% rewritten": rewritten(0.4),
        "60% rewritten": rewritten(0.6),
        "padded ×2": join(original + paper(rng, subject, len(join(original)))),
        "half copied": join(original[:half] + paper(rng, subject, len(join(original[half:])))),
        "washed (14 synonyms)": washed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shingle", type=int, default=similarity.SHINGLE)
    args = parser.parse_args()
    similarity.SHINGLE = args.shingle
    rng = random.Random(args.seed)
    subjects = list(SUBJECTS)
    corpus = [(subjects[i % len(subjects)], paper(rng, subjects[i % len(subjects)])) for i in range(args.papers)]
    regulation = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "000_1ed414d3c15f6ea2.txt"
    texts = [join(sentences) for _subject, sentences in corpus]
    if regulation.exists():
        texts.append(regulation.read_text("utf-8"))

    started = time.perf_counter()
    prints = [similarity.fingerprint(text) for text in texts]
    elapsed = (time.perf_counter() - started) / len(texts)
    sizes = [len(similarity.meaningful(t)) for t in texts]
    print(f"shingle {args.shingle} characters, {similarity.PERMUTATIONS} permutations, {similarity.BANDS} bands; "
          f"{len(texts)} texts of {min(sizes)}–{max(sizes)} characters; fingerprint {elapsed * 1000:.0f} ms each")

    def candidate(a, b) -> bool:
        return bool(set(a.bands()) & set(b.bands()))

    honest = []
    same_subject = []
    for (i, a), (j, b) in itertools.combinations(enumerate(prints), 2):
        share = similarity.shared_share(a, b)
        honest.append((share, candidate(a, b)))
        if i < len(corpus) and j < len(corpus) and corpus[i][0] == corpus[j][0]:
            same_subject.append(share)
    shares = sorted((s for s, _c in honest), reverse=True)
    print(f"\nhonest pairs: {len(honest)} ({len(same_subject)} on the same subject)")
    print(f"  share of shingles in common: max {shares[0]:.3f}, 99.9th pct {shares[len(shares) // 1000]:.3f}, "
          f"median {statistics.median(shares):.3f}; same subject max {max(same_subject):.3f}")
    print(f"  proposed by the band index: {sum(c for _s, c in honest)} of {len(honest)}")
    print(f"  at or above {similarity.NEAR_COPY_SHARE}: {sum(1 for s in shares if s >= similarity.NEAR_COPY_SHARE)}")

    print("\ncopies (share of shingles in common: min / median / max; found = candidate and ≥ threshold)")
    kinds: dict[str, list[tuple[float, bool]]] = {}
    for subject, sentences in corpus[: max(10, args.papers // 3)]:
        original = similarity.fingerprint(join(sentences))
        for kind, text in copies(rng, sentences, subject).items():
            other = similarity.fingerprint(text)
            share = similarity.shared_share(original, other)
            kinds.setdefault(kind, []).append((share, candidate(original, other)
                                                and share >= similarity.NEAR_COPY_SHARE))
    for kind, found in kinds.items():
        values = [s for s, _f in found]
        print(f"  {kind:22} {min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}   "
              f"found {sum(f for _s, f in found)}/{len(found)}")


if __name__ == "__main__":
    main()
