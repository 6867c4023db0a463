//! The dictionaries the rules read by: reporting verbs, the words that open an "according to",
//! titles and the words that make a role, the nouns that describe an unnamed speaker, Chinese
//! surnames, pronouns, and their English counterparts. Chinese entries are in simplified
//! characters: a traditional text is read through its simplified twin (see `script`).

/// Verbs that report what someone said, longest first where one begins another.
pub const SPEECH_VERBS: &[&str] = &[
    "告诉记者",
    "对记者说",
    "表示",
    "说道",
    "指出",
    "强调",
    "认为",
    "介绍",
    "透露",
    "坦言",
    "直言",
    "提到",
    "谈到",
    "解释",
    "回应",
    "补充",
    "预测",
    "表态",
    "写道",
    "宣称",
    "声称",
    "呼吁",
    "警告",
    "提醒",
    "承认",
    "坦承",
    "感叹",
    "称",
    "说",
    "问",
    "答",
    "报道",
];

/// Verbs that end an "according to X" (据X介绍, 据X报道, 根据X所说).
pub const ACCORDING_VERBS: &[&str] = &[
    "介绍", "报道", "透露", "表示", "所说", "说", "称", "消息", "援引", "分析", "估计", "统计",
];

/// Words that open an "according to": 据, 根据, 援引, 引述.
pub const ACCORDING_OPENERS: &[&str] = &["根据", "援引", "引述", "据"];

/// Nouns after a quotation that make it someone's stated view: “…”的观点.
pub const VIEW_NOUNS: &[&str] = &["观点", "说法", "看法", "论断", "主张", "判断", "言论"];

/// Titles a role ends with, longest first.
pub const TITLES: &[&str] = &[
    "联合创始人",
    "首席执行官",
    "首席技术官",
    "首席科学家",
    "董事长",
    "总经理",
    "副总裁",
    "创始人",
    "负责人",
    "合伙人",
    "总裁",
    "总监",
    "经理",
    "主任",
    "院长",
    "校长",
    "教授",
    "研究员",
    "分析师",
    "工程师",
    "发言人",
    "主席",
    "部长",
    "局长",
    "市长",
    "总编",
    "主编",
    "记者",
    "编辑",
    "CEO",
    "CTO",
    "COO",
    "CFO",
];

/// Words that may stand before a title inside one role (开源业务负责人, 高级分析师).
pub const ROLE_MODIFIERS: &[&str] = &[
    "开源",
    "业务",
    "技术",
    "产品",
    "市场",
    "销售",
    "研发",
    "首席",
    "高级",
    "资深",
    "执行",
    "运营",
    "战略",
    "投资",
    "项目",
    "部门",
    "团队",
    "大模型",
    "人工智能",
    "AI",
    "副",
    "总",
    "常务",
    "联席",
    "创始",
    "数据",
    "算法",
    "平台",
    "商业化",
    "事业部",
    "集团",
    "公司",
];

/// Nouns that describe a speaker the article does not name, longest first, each with the
/// English words its id is made from.
pub const UNNAMED_NOUNS: &[(&str, &str)] = &[
    ("产品经理", "product-manager"),
    ("知情人士", "insider"),
    ("业内人士", "industry-insider"),
    ("消息人士", "source"),
    ("从业者", "practitioner"),
    ("分析师", "analyst"),
    ("工程师", "engineer"),
    ("研究员", "researcher"),
    ("投资人", "investor"),
    ("创业者", "founder"),
    ("开发者", "developer"),
    ("负责人", "head"),
    ("发言人", "spokesperson"),
    ("高管", "executive"),
    ("专家", "expert"),
    ("学者", "scholar"),
    ("人士", "insider"),
    ("经理", "manager"),
    ("员工", "employee"),
    ("律师", "lawyer"),
    ("教授", "professor"),
    ("医生", "doctor"),
    ("老师", "teacher"),
    ("用户", "user"),
];

/// Last characters that make a tagged "name" an organisation (卫健委, 教育局).
pub const ORG_ENDINGS: &str = "委局部院会司厅处所办社台报网署";

/// Words that open an unnamed speaker's description (一位…分析师). They are never part of the
/// name: an unnamed person's name is their role alone ("分析师"), as the loader requires.
pub const UNNAMED_OPENERS: &[&str] = &["一位", "一名", "某位", "多位", "有位", "一个"];

/// An unnamed speaker's name without the words that open their description ("一位分析师" →
/// "分析师", "某位高管" → "高管"); the name unchanged when nothing would be left.
pub fn without_opener(name: &str) -> &str {
    let mut rest = name.trim();
    while let Some(opener) = UNNAMED_OPENERS
        .iter()
        .chain(&["某"])
        .filter(|o| rest.starts_with(**o))
        .max_by_key(|o| o.len())
    {
        let after = rest[opener.len()..].trim_start();
        if after.is_empty() {
            break;
        }
        rest = after;
    }
    rest
}

/// Nouns that name a publication or its report when it is what is cited (据X报道).
pub const REPORT_VERBS: &[&str] = &["报道", "消息", "援引"];

/// Pronouns that stand for the nearest person named before them.
pub const PRONOUNS: &[&str] = &["他", "她"];

/// The most common Chinese family names, single and double: a tagged name must start with one.
pub const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖\
田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯\
龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧\
耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲\
房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵\
苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝";

/// Double family names.
pub const DOUBLE_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "慕容", "司徒", "东方", "皇甫", "令狐", "公孙", "夏侯", "长孙",
];

/// English verbs that report speech, in the forms articles use.
pub const EN_SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "argued",
    "argues",
    "noted",
    "notes",
    "explained",
    "stated",
    "claimed",
    "claims",
    "insisted",
    "warned",
    "warns",
    "believes",
    "believed",
    "asked",
    "replied",
    "wrote",
    "writes",
    "according",
    "recalled",
    "suggested",
    "admitted",
    "contended",
    "observed",
    "emphasised",
    "emphasized",
    "stressed",
    "predicted",
    "thinks",
];

/// English pronouns that stand for the nearest person named before them.
pub const EN_PRONOUNS: &[&str] = &["he", "she", "He", "She"];

/// Capitalised words that are not names where a speaker might stand.
pub const EN_NOT_NAMES: &[&str] = &[
    "The",
    "A",
    "An",
    "But",
    "And",
    "In",
    "On",
    "At",
    "It",
    "This",
    "That",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "As",
    "If",
    "When",
    "While",
    "According",
    "However",
    "Mr",
    "Ms",
    "Mrs",
    "Dr",
    "Prof",
    "Chinese",
    "English",
    "American",
];

/// Whether `name` (2-4 characters) reads as a Chinese personal name.
pub fn is_chinese_name(name: &str) -> bool {
    let chars = name.chars().count();
    if !(2..=4).contains(&chars) || !name.chars().all(is_han) {
        return false;
    }
    if DOUBLE_SURNAMES.iter().any(|s| name.starts_with(s)) {
        return chars >= 3;
    }
    let first = name.chars().next().unwrap_or(' ');
    let last = name.chars().last().unwrap_or(' ');
    SURNAMES.contains(first) && chars <= 3 && !ORG_ENDINGS.contains(last)
}

/// A CJK ideograph.
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}
